package dev.jclip.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** The rows of {@code in}, transformed batch by batch: {@code size} input rows become the rows {@code f} returns for them. */
final class Batches<I, O> implements Iterator<O> {
    private final Iterator<I> in;
    private final int size;
    private final Function<List<I>, List<O>> f;
    private Iterator<O> current = Collections.emptyIterator();

    Batches(Iterator<I> in, int size, Function<List<I>, List<O>> f) {
        this.in = in;
        this.size = size;
        this.f = f;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && in.hasNext()) {
            List<I> batch = new ArrayList<>(size);
            while (batch.size() < size && in.hasNext()) {
                batch.add(in.next());
            }
            current = f.apply(batch).iterator();
        }
        return current.hasNext();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
