package dev.jclip.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Coalesces the inputs of concurrent requests into batches for one encoder, as inference servers
 * do: one worker thread takes up to {@code maxBatch} inputs at a time, after waiting at most
 * {@code maxWait} from the oldest request's arrival for more to come, and only until as many
 * inputs wait as the larger of the last two batches took (or a full batch): clients whose answers
 * those batches brought are the ones likely to come back, while a lone client's request runs at
 * once (after its first two). Two batches, not one: when a client comes back late and its request
 * runs alone, the others come back during that small batch, and waiting only for as many as it
 * took (one) would start the next batch with the first of them and leave the rest a whole batch
 * behind, and so on: a few late requests would fragment the batches for a while, each fragment's
 * requests waiting a batch longer. The encoder's own threads compute each batch.
 *
 * <p>Fair: the requests waiting are served first come, first served, one input of each in turn, so
 * a request of many inputs is spread over several batches and a small request that arrives behind
 * it still gets into the next one. A request whose future is cancelled (its client left) or failed
 * gives up its inputs that no batch has taken. When a batch fails, each of its requests' inputs are
 * encoded again on their own: only a request that fails alone gets the error. {@link #close} takes
 * no more requests and returns once those taken are answered.
 *
 * <p>Each request gets the rows the encoder gives for its inputs within the batch; the server's
 * encoders give a row the same bits whatever else is in the batch (and tests check it).
 *
 * @param <I> an input: a row of token ids, a preprocessed image
 */
final class Batcher<I> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClipServer.class.getName());

    /** Computes a batch: one row per input, in order. */
    @FunctionalInterface
    interface Encoder<I> {
        float[][] encode(List<I> inputs);
    }

    /** A request's inputs, its rows as they are computed, and the next input no batch has taken. */
    private static final class Request<I> {
        final List<I> inputs;
        final float[][] rows;
        final long arrived = System.nanoTime();
        final CompletableFuture<float[][]> future = new CompletableFuture<>();
        int next;
        int done;

        Request(List<I> inputs) {
            this.inputs = List.copyOf(inputs);
            this.rows = new float[inputs.size()][];
        }
    }

    /** Input {@code index} of {@code request}, taken into a batch. */
    private record Slot<I>(Request<I> request, int index) {
        I input() {
            return request.inputs.get(index);
        }
    }

    private final String name;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Encoder<I> encoder;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Requests with inputs no batch has taken, in order of arrival. */
    private final ArrayDeque<Request<I>> waiting = new ArrayDeque<>();
    /** Inputs of {@link #waiting} that no batch has taken. */
    private int pending;
    private boolean closed;
    /** No more waiting for batches to fill: the server is stopping. */
    private boolean flushing;
    private long batches;
    /**
     * Inputs the last two batches took (a full batch before the first; never more than
     * {@code maxBatch}): the next one waits for as many as the larger.
     */
    private int lastBatch, batchBefore;
    private final Thread worker;

    /**
     * A batcher for {@code encoder} whose worker thread is named {@code jclip-batch-<name>}.
     *
     * @param maxBatch the most inputs of one batch
     * @param maxWait the longest the oldest waiting request waits for others to join its batch
     */
    Batcher(String name, int maxBatch, Duration maxWait, Encoder<I> encoder) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the largest batch must be at least 1, got " + maxBatch);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the wait for a batch must not be negative, got " + maxWait);
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.lastBatch = maxBatch;
        this.batchBefore = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.encoder = encoder;
        worker = Thread.ofPlatform().name("jclip-batch-" + name).daemon().start(this::work);
    }

    /**
     * The rows of {@code inputs}, in order, once batches have computed them; fails with the
     * encoder's exception, or a {@link RejectedExecutionException} once the batcher is closed.
     * Cancelling the future withdraws the inputs no batch has taken.
     */
    CompletableFuture<float[][]> submit(List<I> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs to encode");
        }
        Request<I> r = new Request<>(inputs);
        lock.lock();
        try {
            if (closed) {
                r.future.completeExceptionally(new RejectedExecutionException("the " + name + " batcher is closed"));
                return r.future;
            }
            waiting.addLast(r);
            pending += r.inputs.size();
            arrived.signal();
        } finally {
            lock.unlock();
        }
        r.future.whenComplete((rows, failure) -> {
            if (failure != null) {
                withdraw(r);
            }
        });
        return r.future;
    }

    /** Inputs waiting for a batch (for tests). */
    int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /** Batches computed so far (for tests: how the requests were coalesced). */
    long batches() {
        lock.lock();
        try {
            return batches;
        } finally {
            lock.unlock();
        }
    }

    /** From now on a batch runs as soon as the encoder is free, without waiting for more requests to join it. */
    void flush() {
        lock.lock();
        try {
            flushing = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more requests; returns once every request taken is answered. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void withdraw(Request<I> r) {
        lock.lock();
        try {
            if (waiting.remove(r)) {
                pending -= r.inputs.size() - r.next;
            }
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        List<Slot<I>> batch;
        while ((batch = next()) != null) {
            run(batch);
        }
    }

    /**
     * The next batch, once as many inputs wait as the larger of the last two batches took (or it is
     * full), or its oldest request has waited long enough; null once closed and drained.
     */
    private List<Slot<I>> next() {
        lock.lock();
        try {
            while (true) {
                while (waiting.isEmpty() && !closed) {
                    arrived.awaitUninterruptibly();
                }
                if (waiting.isEmpty()) {
                    return null;
                }
                long left = waiting.peekFirst().arrived + maxWaitNanos - System.nanoTime();
                if (pending >= Math.max(lastBatch, batchBefore) || closed || flushing || left <= 0) {
                    break;
                }
                try {
                    arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    // Only close() stops the worker: it answers every request taken.
                }
            }
            List<Slot<I>> batch = new ArrayList<>(Math.min(maxBatch, pending));
            while (batch.size() < maxBatch && !waiting.isEmpty()) {
                for (Iterator<Request<I>> it = waiting.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                    Request<I> r = it.next();
                    batch.add(new Slot<>(r, r.next++));
                    pending--;
                    if (r.next == r.inputs.size()) {
                        it.remove();
                    }
                }
            }
            batches++;
            batchBefore = lastBatch;
            lastBatch = batch.size();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Computes {@code batch} and hands each request its rows; on failure, each request's inputs alone. */
    private void run(List<Slot<I>> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        for (Slot<I> s : batch) {
            inputs.add(s.input());
        }
        LOG.fine(() -> name + " batch of " + batch.size() + " inputs from " + batch.stream().map(Slot::request).distinct().count()
                + " requests");
        try {
            deliver(batch, encoder.encode(inputs));
        } catch (Throwable batchFailure) {
            Map<Request<I>, List<Slot<I>>> byRequest = new LinkedHashMap<>();
            for (Slot<I> s : batch) {
                byRequest.computeIfAbsent(s.request(), _ -> new ArrayList<>()).add(s);
            }
            if (byRequest.size() == 1) {
                fail(batch.get(0).request(), batchFailure);
                return;
            }
            for (List<Slot<I>> own : byRequest.values()) {
                try {
                    deliver(own, encoder.encode(own.stream().map(Slot::input).toList()));
                } catch (Throwable failure) {
                    fail(own.get(0).request(), failure);
                }
            }
        }
    }

    private void deliver(List<Slot<I>> slots, float[][] rows) {
        if (rows.length != slots.size()) {
            throw new IllegalStateException("the " + name + " encoder gave " + rows.length + " rows for " + slots.size() + " inputs");
        }
        for (int i = 0; i < rows.length; i++) {
            Request<I> r = slots.get(i).request();
            r.rows[slots.get(i).index()] = rows[i];
            if (++r.done == r.rows.length) {
                r.future.complete(r.rows);
            }
        }
    }

    private void fail(Request<I> r, Throwable failure) {
        if (!(failure instanceof RuntimeException)) {
            LOG.log(Level.WARNING, "a " + name + " batch failed", failure);
        }
        r.future.completeExceptionally(failure);
    }
}
