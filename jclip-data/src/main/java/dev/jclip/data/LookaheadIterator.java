package dev.jclip.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that computes its elements one ahead: subclasses implement {@link #computeNext()}.
 * Elements are never null; null marks the end.
 */
public abstract class LookaheadIterator<T> implements Iterator<T> {
    private T next;
    private boolean done;

    /** For subclasses. */
    protected LookaheadIterator() {}

    /** The next element, or null at the end (after which it is not called again). */
    protected abstract T computeNext();

    @Override
    public final boolean hasNext() {
        if (next == null && !done) {
            next = computeNext();
            done = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
    }
}
