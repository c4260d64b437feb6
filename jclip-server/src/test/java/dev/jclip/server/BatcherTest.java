package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Batcher} with an encoder that records its batches and maps an input {@code "x"} to the row
 * {@code [x.length(), x.charAt(0)]}. The worker is held inside a first batch (or the wait is long)
 * while requests queue up, so every batch's make-up is known without timing anything.
 */
class BatcherTest {
    /** Longer than any test: a batch runs because it is full or the batcher closes, never because time passed. */
    static final Duration FOREVER = Duration.ofHours(1);

    /** Records batches; the first one waits for {@link #release} when {@link #hold} is set. */
    static final class Recorder implements Batcher.Encoder<String> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean hold;

        Recorder(boolean hold) {
            this.hold = hold;
        }

        @Override
        public float[][] encode(List<String> inputs) {
            batches.add(List.copyOf(inputs));
            if (hold && entered.getCount() > 0) {
                entered.countDown();
                await(release);
            }
            if (inputs.contains("bad")) {
                throw new IllegalArgumentException("cannot encode 'bad'");
            }
            return inputs.stream().map(BatcherTest::row).toArray(float[][]::new);
        }
    }

    static float[] row(String input) {
        return new float[] {input.length(), input.charAt(0)};
    }

    static float[][] rows(List<String> inputs) {
        return inputs.stream().map(BatcherTest::row).toArray(float[][]::new);
    }

    static List<String> inputs(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fullBatchesRunWithoutWaitingAndRowsGoBackToTheirRequests() throws Exception {
        Recorder enc = new Recorder(false);
        try (Batcher<String> b = new Batcher<>("test", 3, FOREVER, enc)) {
            CompletableFuture<float[][]> a = b.submit(List.of("a"));
            CompletableFuture<float[][]> bc = b.submit(List.of("bb", "ccc"));
            assertArrayEquals(rows(List.of("a")), a.get());
            assertArrayEquals(rows(List.of("bb", "ccc")), bc.get());
            assertEquals(List.of(List.of("a", "bb", "ccc")), enc.batches);
            assertEquals(1, b.batches());
        }
    }

    @Test
    void requestsShareBatchesInTurnSoALargeOneDoesNotStarveSmallOnes() throws Exception {
        Recorder enc = new Recorder(true);
        try (Batcher<String> b = new Batcher<>("test", 4, Duration.ZERO, enc)) {
            CompletableFuture<float[][]> first = b.submit(List.of("first"));
            await(enc.entered);
            CompletableFuture<float[][]> large = b.submit(inputs("L", 10));
            CompletableFuture<float[][]> small1 = b.submit(List.of("s"));
            CompletableFuture<float[][]> small2 = b.submit(List.of("t", "u"));
            enc.release.countDown();
            assertArrayEquals(rows(inputs("L", 10)), large.get());
            assertArrayEquals(rows(List.of("s")), small1.get());
            assertArrayEquals(rows(List.of("t", "u")), small2.get());
            assertArrayEquals(rows(List.of("first")), first.get());
            assertEquals(List.of(
                    List.of("first"),
                    List.of("L0", "s", "t", "L1"),
                    List.of("L2", "u", "L3", "L4"),
                    List.of("L5", "L6", "L7", "L8"),
                    List.of("L9")), enc.batches);
        }
    }

    /**
     * A batch waits only until as many inputs wait as the larger of the last two batches took:
     * those that waited the whole second set the size, and a batch of that size runs long before
     * another second. After a batch of one (a client that came back late) the next still waits for
     * the others, instead of starting with the first of them; after two batches of one a lone
     * client's request runs at once.
     */
    @Test
    void aBatchWaitsForAsManyInputsAsTheLargerOfTheLastTwoTook() throws Exception {
        Recorder enc = new Recorder(false);
        Duration wait = Duration.ofSeconds(1);
        long soon = 400;
        try (Batcher<String> b = new Batcher<>("test", 8, wait, enc)) {
            // Fewer than 8, twice: each batch after the whole wait.
            List<CompletableFuture<float[][]>> first = List.of(b.submit(List.of("a")), b.submit(List.of("b", "c")));
            for (CompletableFuture<float[][]> f : first) {
                f.get();
            }
            List<CompletableFuture<float[][]>> second = List.of(b.submit(List.of("d")), b.submit(List.of("e", "f")));
            for (CompletableFuture<float[][]> f : second) {
                f.get();
            }
            CompletableFuture<float[][]> g = b.submit(List.of("g")), h = b.submit(List.of("h", "i"));
            assertArrayEquals(rows(List.of("g")), g.get(soon, TimeUnit.MILLISECONDS));
            assertArrayEquals(rows(List.of("h", "i")), h.get(soon, TimeUnit.MILLISECONDS));
            b.submit(List.of("late")).get();   // fewer than 3: after the whole wait, a batch of one
            CompletableFuture<float[][]> w = b.submit(List.of("w"));
            Thread.sleep(100);                  // with only the last batch counted, "w" would run alone now
            CompletableFuture<float[][]> xy = b.submit(List.of("x", "y"));
            assertArrayEquals(rows(List.of("w")), w.get(soon, TimeUnit.MILLISECONDS));
            assertArrayEquals(rows(List.of("x", "y")), xy.get(soon, TimeUnit.MILLISECONDS));
            b.submit(List.of("lone")).get();    // after the whole wait
            b.submit(List.of("lone")).get();    // again: the batch before took three
            assertArrayEquals(rows(List.of("next")), b.submit(List.of("next")).get(soon, TimeUnit.MILLISECONDS));
            assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f"), List.of("g", "h", "i"), List.of("late"),
                    List.of("w", "x", "y"), List.of("lone"), List.of("lone"), List.of("next")), enc.batches);
        }
    }

    @Test
    void aFailingInputFailsOnlyItsOwnRequest() throws Exception {
        Recorder enc = new Recorder(false);
        try (Batcher<String> b = new Batcher<>("test", 5, FOREVER, enc)) {
            CompletableFuture<float[][]> a = b.submit(List.of("a"));
            CompletableFuture<float[][]> bad = b.submit(List.of("ok", "bad"));
            CompletableFuture<float[][]> c = b.submit(List.of("c", "dd"));
            assertArrayEquals(rows(List.of("a")), a.get());
            assertArrayEquals(rows(List.of("c", "dd")), c.get());
            ExecutionException e = assertThrows(ExecutionException.class, bad::get);
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals("cannot encode 'bad'", e.getCause().getMessage());
            // The shared batch, then each request's inputs alone.
            assertEquals(List.of(List.of("a", "ok", "c", "bad", "dd"), List.of("a"), List.of("ok", "bad"), List.of("c", "dd")),
                    enc.batches);
        }
    }

    @Test
    void aFailedRequestGivesUpItsInputsNoBatchHasTaken() throws Exception {
        Recorder enc = new Recorder(true);
        try (Batcher<String> b = new Batcher<>("test", 2, Duration.ZERO, enc)) {
            CompletableFuture<float[][]> first = b.submit(List.of("first"));
            await(enc.entered);
            CompletableFuture<float[][]> bad = b.submit(List.of("bad", "x", "y", "z"));
            CompletableFuture<float[][]> other = b.submit(List.of("o", "p"));
            enc.release.countDown();
            assertArrayEquals(rows(List.of("o", "p")), other.get());
            assertThrows(ExecutionException.class, bad::get);
            first.get();
            assertEquals(List.of(List.of("first"), List.of("bad", "o"), List.of("bad"), List.of("o"), List.of("p")), enc.batches);
        }
    }

    @Test
    void aCancelledRequestIsNotEncoded() throws Exception {
        Recorder enc = new Recorder(true);
        try (Batcher<String> b = new Batcher<>("test", 8, Duration.ZERO, enc)) {
            CompletableFuture<float[][]> first = b.submit(List.of("first"));
            await(enc.entered);
            CompletableFuture<float[][]> left = b.submit(List.of("gone", "away"));
            CompletableFuture<float[][]> stays = b.submit(List.of("here"));
            assertTrue(left.cancel(false));
            enc.release.countDown();
            assertArrayEquals(rows(List.of("here")), stays.get());
            first.get();
            assertEquals(List.of(List.of("first"), List.of("here")), enc.batches);
        }
    }

    @Test
    void closingAnswersEveryRequestTakenAndRefusesNewOnes() throws Exception {
        Recorder enc = new Recorder(false);
        Batcher<String> b = new Batcher<>("test", 4, FOREVER, enc);
        List<CompletableFuture<float[][]>> taken = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            taken.add(b.submit(List.of("r" + i)));
        }
        // Four made a full batch; the other two wait for more, until close() runs them at once.
        b.close();
        for (int i = 0; i < 6; i++) {
            assertTrue(taken.get(i).isDone(), "request " + i + " answered before close() returned");
            assertArrayEquals(rows(List.of("r" + i)), taken.get(i).get());
        }
        assertEquals(List.of(inputs("r", 4), List.of("r4", "r5")), enc.batches);
        CompletableFuture<float[][]> late = b.submit(List.of("late"));
        ExecutionException e = assertThrows(ExecutionException.class, late::get);
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        assertEquals(2, enc.batches.size());
    }

    @Test
    void afterAFlushBatchesRunWithoutWaitingToFill() throws Exception {
        Recorder enc = new Recorder(false);
        try (Batcher<String> b = new Batcher<>("test", 4, FOREVER, enc)) {
            CompletableFuture<float[][]> a = b.submit(List.of("a", "b"));
            b.flush();
            assertArrayEquals(rows(List.of("a", "b")), a.get());
            // Still taking requests (those at work when the server began to stop), each at once.
            assertArrayEquals(rows(List.of("c")), b.submit(List.of("c")).get());
            assertEquals(List.of(List.of("a", "b"), List.of("c")), enc.batches);
        }
    }

    @Test
    void refusesNoInputsAndBadLimits() {
        Recorder enc = new Recorder(false);
        try (Batcher<String> b = new Batcher<>("test", 1, Duration.ZERO, enc)) {
            assertThrows(IllegalArgumentException.class, () -> b.submit(List.of()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batcher<>("test", 0, Duration.ZERO, enc));
        assertEquals("the largest batch must be at least 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Batcher<>("test", 1, Duration.ofMillis(-1), enc));
        assertEquals(List.of(), enc.batches);
    }
}
