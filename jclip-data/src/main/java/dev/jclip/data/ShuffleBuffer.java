package dev.jclip.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An approximate shuffle of a stream in bounded memory, as WebDataset does it: the buffer is filled
 * with the first {@code size} items; then each new item takes the place of a randomly chosen buffered
 * one, which is emitted; at the end the rest leaves in random order. An item at input position i is
 * emitted at an output position of at least i - size + 1. Deterministic for a seed.
 */
final class ShuffleBuffer {
    private ShuffleBuffer() {}

    /** {@code input} shuffled through a buffer of {@code size} items (1 keeps the order). */
    public static <T> Stream<T> shuffle(Stream<T> input, int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("shuffle buffer size must be at least 1, got " + size);
        }
        Iterator<T> in = input.iterator();
        SplittableRandom rng = new SplittableRandom(seed);
        Iterator<T> out = new Iterator<>() {
            private final ArrayList<T> buffer = new ArrayList<>(Math.min(size, 1 << 16));

            @Override
            public boolean hasNext() {
                return in.hasNext() || !buffer.isEmpty();
            }

            @Override
            public T next() {
                while (buffer.size() < size && in.hasNext()) {
                    buffer.add(in.next());
                }
                if (buffer.isEmpty()) {
                    throw new NoSuchElementException();
                }
                int j = rng.nextInt(buffer.size());
                T picked = buffer.get(j);
                // Refill the hole from the input, or close it with the last item once the input is done.
                if (in.hasNext()) {
                    buffer.set(j, in.next());
                } else {
                    buffer.set(j, buffer.getLast());
                    buffer.removeLast();
                }
                return picked;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(out, Spliterator.ORDERED), false)
                .onClose(input::close);
    }
}
