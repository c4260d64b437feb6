package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The native buffers a codec decodes into come back to their thread for the next image (the same
 * memory, as the last image left it), up to {@link NativeScratch#KEEP} bytes each and
 * {@link NativeScratch#BUDGET} for all threads together; a larger image's memory, and any a decode
 * nested in another takes, is freed when its scratch closes, and a finished thread's kept buffers
 * go back to the budget.
 */
class NativeScratchTest {
    @Test
    void theNextDecodeOnTheThreadGetsTheSameMemoryAsTheLastLeftIt() {
        long address;
        try (NativeScratch scratch = NativeScratch.open()) {
            MemorySegment a = scratch.take(0, 1000);
            assertEquals(1000, a.byteSize());
            a.fill((byte) 7);
            address = a.address();
        }
        try (NativeScratch scratch = NativeScratch.open()) {
            MemorySegment a = scratch.take(0, 600);
            assertEquals(address, a.address());
            assertEquals(600, a.byteSize());
            assertEquals((byte) 7, a.get(ValueLayout.JAVA_BYTE, 599));
            MemorySegment grown = scratch.take(0, 1 << 20);
            assertEquals(1 << 20, grown.byteSize(), "a larger image gets a larger buffer");
            MemorySegment other = scratch.take(1, 1000);
            assertFalse(overlap(grown, other), "the input and the output are different memory");
        }
    }

    @Test
    void anImageLargerThanWhatIsKeptHasMemoryOfItsOwnFreedAtClose() {
        MemorySegment large;
        try (NativeScratch scratch = NativeScratch.open()) {
            large = scratch.take(1, NativeScratch.KEEP + 1);
            assertEquals(NativeScratch.KEEP + 1, large.byteSize());
            large.set(ValueLayout.JAVA_BYTE, NativeScratch.KEEP, (byte) 1);
        }
        assertFalse(large.scope().isAlive());
        MemorySegment freed = large;
        assertThrows(IllegalStateException.class, () -> freed.get(ValueLayout.JAVA_BYTE, 0));
        try (NativeScratch scratch = NativeScratch.open()) {
            assertTrue(scratch.take(1, 100).scope().isAlive());
        }
    }

    @Test
    void aDecodeNestedInAnotherTakesOtherMemoryAndLeavesTheKeptBuffersToTheOuterOne() {
        try (NativeScratch outer = NativeScratch.open()) {
            MemorySegment a = outer.take(0, 100);
            MemorySegment inner;
            try (NativeScratch nested = NativeScratch.open()) {
                inner = nested.take(0, 100);
                assertFalse(overlap(a, inner));
            }
            assertFalse(inner.scope().isAlive());
            assertTrue(a.scope().isAlive());
        }
        long kept;
        try (NativeScratch scratch = NativeScratch.open()) {
            kept = scratch.take(0, 100).address();
        }
        try (NativeScratch scratch = NativeScratch.open()) {
            assertEquals(kept, scratch.take(0, 100).address(), "the outer scratch gave its buffers back");
        }
    }

    @Test
    void eachThreadHasItsOwnBuffers() throws Exception {
        long here;
        try (NativeScratch scratch = NativeScratch.open()) {
            here = scratch.take(0, 100).address();
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> there = pool.submit(() -> {
                try (NativeScratch scratch = NativeScratch.open()) {
                    return scratch.take(0, 100).address();
                }
            });
            assertNotEquals(here, there.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void allThreadsTogetherKeepNoMoreThanTheBudgetAndAFinishedThreadGivesItsShareBack() throws Exception {
        long left = 1000, taken = NativeScratch.AVAILABLE.get() - left;
        NativeScratch.AVAILABLE.addAndGet(-taken);
        try {
            MemorySegment[] seen = new MemorySegment[3];
            Thread thread = new Thread(() -> {
                try (NativeScratch scratch = NativeScratch.open()) {
                    seen[0] = scratch.take(0, 800);       // 900 bytes with room to grow: within what is left
                    seen[1] = scratch.take(1, 10_000);    // past what is left: memory of its own
                }
                try (NativeScratch scratch = NativeScratch.open()) {
                    seen[2] = scratch.take(0, 800);
                }
            });
            thread.start();
            thread.join();
            assertTrue(seen[0].scope().isAlive(), "kept within the budget");
            assertEquals(seen[0].address(), seen[2].address());
            assertFalse(seen[1].scope().isAlive(), "freed at close, past the budget");
            assertTrue(NativeScratch.AVAILABLE.get() < left, "the kept buffer is counted");
            Arrays.fill(seen, null);
            for (int i = 0; i < 200 && NativeScratch.AVAILABLE.get() < left; i++) {
                System.gc();
                Thread.sleep(50);
            }
            assertTrue(NativeScratch.AVAILABLE.get() >= left, "the finished thread's buffer went back to the budget");
        } finally {
            NativeScratch.AVAILABLE.addAndGet(taken);
        }
    }

    private static boolean overlap(MemorySegment a, MemorySegment b) {
        return a.address() < b.address() + b.byteSize() && b.address() < a.address() + a.byteSize();
    }
}
