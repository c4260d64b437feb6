package dev.jclip.compute;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A pool of threads for the kernels (daemon threads, so it never keeps the JVM alive). Kernels
 * run on the pool that {@link #run} or {@link #call} binds on the calling thread (a
 * {@link ScopedValue}), else on the {@link #shared()} one of all available processors; a model or
 * a trainer is given its pool and binds it around its work.
 *
 * <p>Kernels split work into independent tasks that each own a disjoint part of
 * the output and never split a reduction, so results are bit-identical for any
 * thread count; the pool only decides who computes a task, not how.
 */
public final class Parallel implements AutoCloseable {
    private static final ScopedValue<Parallel> CURRENT = ScopedValue.newInstance();

    private final int threads;
    private final ExecutorService pool;
    private final boolean shared;

    private Parallel(int threads, boolean shared) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, Worker::new) : null;
        this.shared = shared;
    }

    /** A pool of {@code threads} threads, the caller included (so {@code threads - 1} workers). */
    public static Parallel of(int threads) {
        return new Parallel(threads, false);
    }

    /**
     * The pool used where none is bound: as many threads as available processors, or as the
     * system property {@code jclip.threads} says. Created on first use; {@link #close} leaves it open.
     */
    public static Parallel shared() {
        return Shared.POOL;
    }

    /** The pool bound on this thread by {@link #run} or {@link #call}, else {@link #shared()}. */
    public static Parallel current() {
        return CURRENT.orElse(Shared.POOL);
    }

    /** The number of threads (the caller included) that {@link #forEach} uses. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body} with this pool serving every kernel it calls on this thread. */
    public void run(Runnable body) {
        ScopedValue.where(CURRENT, this).run(body);
    }

    /** {@link #run} for a body with a result. */
    public <T> T call(Supplier<T> body) {
        return ScopedValue.where(CURRENT, this).call(body::get);
    }

    /** Stops the workers once their tasks are done (the shared pool stays open). */
    @Override
    public void close() {
        if (pool != null && !shared) {
            pool.shutdown();
        }
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, tasks)} on the {@link #current()}
     * pool and returns when all are done. The calling thread works too; tasks are claimed
     * in increasing order, one at a time, by whichever thread is free. Called
     * from inside a task, it runs the tasks on the calling thread. The first
     * exception a task throws is rethrown here once all tasks have finished.
     */
    public static void forEach(int tasks, IntConsumer body) {
        Parallel current = current();
        int helpers = Math.min(current.threads, tasks) - 1;
        if (helpers <= 0 || Thread.currentThread() instanceof Worker || IN_TASK.get()[0]) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        for (int h = 0; h < helpers; h++) {
            try {
                current.pool.execute(job::work);
            } catch (RejectedExecutionException e) {
                break; // the pool was closed meanwhile: the caller runs what is left
            }
        }
        boolean[] inTask = IN_TASK.get();
        inTask[0] = true;
        try {
            job.work();
        } finally {
            inTask[0] = false;
        }
        job.await();
    }

    /** Elements a task should have at least, so that handing it to a thread pays off. */
    private static final int TASK_ELEMENTS = 1 << 14;

    /**
     * Splits rows {@code [0, rows)} of {@code rowLength} elements each into consecutive
     * ranges of at least {@link #TASK_ELEMENTS} elements (at most 4 ranges per thread) and
     * runs {@code body.accept(from, to)} on each with {@link #forEach}. Row kernels compute
     * each row the same way whichever range it falls in, so their results do not depend
     * on the thread count.
     */
    public static void forRows(int rows, int rowLength, RowRange body) {
        int minRows = Math.max(1, TASK_ELEMENTS / Math.max(1, rowLength));
        int chunks = Math.max(1, Math.min(rows / minRows, 4 * current().threads));
        int per = Math.max(1, Math.ceilDiv(rows, chunks));
        forEach(Math.ceilDiv(rows, per), c -> body.accept(c * per, Math.min(rows, (c + 1) * per)));
    }

    /** A body for {@link #forRows}: rows {@code [from, to)}. */
    @FunctionalInterface
    public interface RowRange {
        void accept(int from, int to);
    }

    /**
     * True while the calling (non-pool) thread runs tasks of a {@link #forEach}, so that a
     * nested call (a GEMM inside an attention head's task) runs inline instead of queueing
     * behind the outer call's tasks.
     */
    private static final ThreadLocal<boolean[]> IN_TASK = ThreadLocal.withInitial(() -> new boolean[1]);

    /** One {@link #forEach} call: a shared task counter and a count of tasks still running. */
    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
            this.remaining = new AtomicInteger(tasks);
        }

        void work() {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Waits for tasks that helpers claimed; a helper that starts late finds nothing left and returns. */
        void await() {
            for (int spin = 0; remaining.get() > 0 && spin < 2_000; spin++) {
                Thread.onSpinWait();
            }
            while (remaining.get() > 0) {
                LockSupport.park(this);
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Marks pool threads, so that nested {@link #forEach} calls run inline instead of waiting on the pool. */
    private static final class Worker extends Thread {
        private static final AtomicInteger COUNT = new AtomicInteger();

        Worker(Runnable r) {
            super(r, "jclip-worker-" + COUNT.incrementAndGet());
            setDaemon(true);
        }
    }

    /** The shared pool, made when first used. */
    private static final class Shared {
        static final Parallel POOL = new Parallel(initialThreads(), true);
    }

    private static int initialThreads() {
        String value = System.getProperty("jclip.threads");
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int count = Integer.parseInt(value.trim());
            if (count >= 1) {
                return count;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the offending value
        }
        throw new IllegalArgumentException("system property jclip.threads must be a positive integer, got '" + value + "'");
    }
}
