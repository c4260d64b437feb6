package dev.jclip.server;

import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;

/** Waits for what the server does on its own threads (close a connection, log a line). */
final class Waits {
    private Waits() {}

    /** Polls {@code condition} every 10 ms; fails naming {@code what} after 20 s. */
    static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                Assertions.fail("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
