package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {
    @Test
    void computesOnFirstUseOnly() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<StringBuilder> lazy = Lazy.of(() -> {
            calls.incrementAndGet();
            return new StringBuilder("x");
        });
        assertEquals(0, calls.get());
        StringBuilder first = lazy.get();
        assertSame(first, lazy.get());
        assertEquals(1, calls.get());
    }
}
