package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

    @Test
    void keepsInputOrderWhateverFinishesFirst() {
        // Early items are slow and late items fast, so workers finish out of order.
        List<Integer> out;
        try (Stream<Integer> s = Prefetcher.map(IntStream.range(0, 200).boxed(), i -> {
            LockSupport.parkNanos((200 - i) % 7 * 200_000L);
            return i * i;
        }, 4, 16)) {
            out = s.toList();
        }
        assertEquals(IntStream.range(0, 200).map(i -> i * i).boxed().toList(), out);
    }

    @Test
    void dropsNullsAndBoundsItemsInFlight() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxAhead = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> out = new ArrayList<>();
        try (Stream<Integer> s = Prefetcher.map(IntStream.range(0, 300).boxed(), i -> {
            maxAhead.accumulateAndGet(started.incrementAndGet() - consumed.get(), Math::max);
            threads.add(Thread.currentThread().getName());
            return i % 3 == 0 ? null : i;
        }, 3, 8)) {
            s.forEach(i -> {
                out.add(i);
                consumed.set(i + 1);
            });
        }
        assertEquals(IntStream.range(0, 300).filter(i -> i % 3 != 0).boxed().toList(), out);
        assertTrue(maxAhead.get() <= 8 + 2, "items ahead of the consumer: " + maxAhead.get());
        assertTrue(!threads.isEmpty() && threads.stream().allMatch(n -> n.startsWith("jclip-prefetch-")), threads::toString);
    }

    @Test
    void errorSurfacesAtItsPosition() {
        List<Integer> seen = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (Stream<Integer> s = Prefetcher.map(IntStream.range(0, 100).boxed(), i -> {
                if (i == 37) {
                    throw new IllegalStateException("bad item 37");
                }
                return i;
            }, 4, 8)) {
                s.forEach(seen::add);
            }
        });
        assertEquals("bad item 37", e.getMessage());
        assertEquals(IntStream.range(0, 37).boxed().toList(), seen);
    }

    @Test
    void refusesBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> Prefetcher.map(Stream.of(1), i -> i, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Prefetcher.map(Stream.of(1), i -> i, 4, 2));
    }
}
