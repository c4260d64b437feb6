package dev.jclip.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void runsEveryTaskExactlyOnceIncludingNestedCalls() {
        try (Parallel pool = Parallel.of(3)) {
            assertEquals(3, pool.threads());
            pool.run(() -> {
                assertSame(pool, Parallel.current());
                AtomicIntegerArray seen = new AtomicIntegerArray(1000);
                Parallel.forEach(100, i -> Parallel.forEach(10, j -> seen.incrementAndGet(i * 10 + j)));
                for (int i = 0; i < seen.length(); i++) {
                    assertEquals(1, seen.get(i), "task " + i);
                }
                Parallel.forEach(0, i -> {
                    throw new AssertionError("no task expected");
                });
            });
        }
    }

    @Test
    void kernelsRunOnTheBoundPoolAndOnTheSharedOneElsewhere() {
        assertSame(Parallel.shared(), Parallel.current());
        try (Parallel one = Parallel.of(1); Parallel three = Parallel.of(3)) {
            // One thread: every task on the caller. Three: the caller and two workers of this pool.
            assertEquals(1, threadsUsed(one));
            int used = threadsUsed(three);
            assertTrue(used >= 1 && used <= 3, used + " threads");
            assertEquals(3, three.call(() -> Parallel.current().threads()));
            assertEquals(1, three.call(() -> one.call(() -> Parallel.current().threads())), "the innermost binding");
        }
        assertSame(Parallel.shared(), Parallel.current());
    }

    /** The distinct threads that run 64 tasks of 1 ms each on {@code pool}. */
    private static int threadsUsed(Parallel pool) {
        ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
        pool.run(() -> Parallel.forEach(64, i -> {
            seen.put(Thread.currentThread(), true);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return seen.size();
    }

    @Test
    void forRowsCoversEveryRowOnceInIncreasingRanges() {
        try (Parallel pool = Parallel.of(3)) {
            pool.run(() -> {
                // {rows, row length}: ranges hold at least 2^14 elements unless the rows run out.
                for (int[] c : new int[][] {{0, 4}, {1, 4}, {10, 1}, {1000, 7}, {100_000, 1}, {1000, 100_000}, {37, 0}}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(c[0]);
                    int minRows = Math.max(1, (1 << 14) / Math.max(1, c[1]));
                    Parallel.forRows(c[0], c[1], (from, to) -> {
                        assertTrue(from < to && (to - from >= Math.min(minRows, c[0]) || to == c[0]), from + ".." + to);
                        for (int r = from; r < to; r++) {
                            seen.incrementAndGet(r);
                        }
                    });
                    for (int r = 0; r < c[0]; r++) {
                        assertEquals(1, seen.get(r), "row " + r + " of " + c[0]);
                    }
                }
            });
        }
    }

    @Test
    void rethrowsTheFirstFailureAfterAllTasks() {
        try (Parallel pool = Parallel.of(2)) {
            pool.run(() -> {
                IllegalStateException boom = new IllegalStateException("task 5 failed");
                IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forEach(50, i -> {
                    if (i == 5) {
                        throw boom;
                    }
                }));
                assertSame(boom, thrown);
                // The pool still works afterwards.
                AtomicIntegerArray seen = new AtomicIntegerArray(20);
                Parallel.forEach(20, seen::incrementAndGet);
                for (int i = 0; i < 20; i++) {
                    assertEquals(1, seen.get(i));
                }
            });
        }
    }

    @Test
    void aClosedPoolLeavesTheWorkToTheCaller() {
        Parallel pool = Parallel.of(3);
        pool.close();
        AtomicIntegerArray seen = new AtomicIntegerArray(30);
        pool.run(() -> Parallel.forEach(30, seen::incrementAndGet));
        for (int i = 0; i < 30; i++) {
            assertEquals(1, seen.get(i));
        }
    }

    @Test
    void rejectsNonPositiveThreadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.of(0));
        assertEquals("thread count must be at least 1, got 0", e.getMessage());
    }
}
