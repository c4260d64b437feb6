package dev.jclip.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Maps a stream on worker threads (decode, resize, normalize) while keeping the input order: item i
 * of the output is {@code fn(input i)} whatever thread finished first, so results do not depend on the
 * thread count. At most {@code window} items are in flight (submitted and not yet taken by the
 * consumer), which bounds memory. The input is read on the consumer's thread. An exception from
 * {@code fn} is rethrown when its item's turn comes; {@code fn} may return null to drop an item
 * (e.g. after reporting a decode error). Close the stream to stop the workers.
 */
public final class Prefetcher {
    private Prefetcher() {}

    /** {@code input.map(fn)} computed on {@code threads} workers with {@code window} items in flight. */
    public static <T, R> Stream<R> map(Stream<T> input, Function<? super T, ? extends R> fn, int threads, int window) {
        if (threads < 1 || window < threads) {
            throw new IllegalArgumentException("need threads >= 1 and window >= threads, got threads " + threads
                    + ", window " + window);
        }
        AtomicInteger ids = new AtomicInteger();
        // Idle workers end after a few seconds, so a stream abandoned without close() leaks no threads.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "jclip-prefetch-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        Iterator<T> in = input.iterator();
        ArrayDeque<Future<? extends R>> ahead = new ArrayDeque<>(window);
        Iterator<R> out = new LookaheadIterator<>() {
            @Override
            protected R computeNext() {
                R r = null;
                while (r == null) {
                    while (ahead.size() < window && in.hasNext()) {
                        T item = in.next();
                        ahead.add(pool.submit(() -> fn.apply(item)));
                    }
                    if (ahead.isEmpty()) {
                        return null;
                    }
                    r = take(ahead.poll());
                }
                return r;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(out, Spliterator.ORDERED), false)
                .onClose(() -> {
                    ahead.forEach(f -> f.cancel(true));
                    pool.shutdownNow();
                    input.close();
                });
    }

    private static <R> R take(Future<? extends R> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a prefetched item", e);
        }
    }
}
