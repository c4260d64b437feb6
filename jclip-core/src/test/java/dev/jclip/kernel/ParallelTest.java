package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void runsEveryTaskExactlyOnceIncludingNestedCalls() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(3);
            assertEquals(3, Parallel.threads());
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            Parallel.forEach(100, i -> Parallel.forEach(10, j -> seen.incrementAndGet(i * 10 + j)));
            for (int i = 0; i < seen.length(); i++) {
                assertEquals(1, seen.get(i), "task " + i);
            }
            Parallel.forEach(0, i -> {
                throw new AssertionError("no task expected");
            });
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void forRowsCoversEveryRowOnceInIncreasingRanges() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(3);
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
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void rethrowsTheFirstFailureAfterAllTasks() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
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
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void rejectsNonPositiveThreadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertEquals("thread count must be at least 1, got 0", e.getMessage());
    }
}
