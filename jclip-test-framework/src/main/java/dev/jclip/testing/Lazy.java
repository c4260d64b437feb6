package dev.jclip.testing;

import java.util.function.Supplier;

/**
 * A value computed once, on first use: for what a test class shares but only some of its tests
 * need, such as a vocabulary read from {@code ../shared}, which no static initializer may read.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> compute;
    private T value;

    private Lazy(Supplier<? extends T> compute) {
        this.compute = compute;
    }

    /** A value that {@code compute} gives when it is first asked for. */
    public static <T> Lazy<T> of(Supplier<? extends T> compute) {
        return new Lazy<>(compute);
    }

    @Override
    public synchronized T get() {
        if (value == null) {
            value = compute.get();
        }
        return value;
    }
}
