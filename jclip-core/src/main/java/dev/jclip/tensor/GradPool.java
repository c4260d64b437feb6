package dev.jclip.tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Gradient arrays of intermediate results that one backward pass has finished with, for the
 * pass's later nodes to reuse: the gradients of a transformer's layers come in a few sizes, one
 * per layer, so most of a pass's gradient arrays are taken from here instead of freshly allocated
 * (and zeroed, and faulted in by the system). Lives for one pass, used by the thread that drives it.
 */
final class GradPool {
    /** Arrays kept per size: enough for the gradients of one layer that are alive together. */
    private static final int PER_SIZE = 4;

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();

    /** A released array of {@code n} elements (contents undefined), or null when there is none. */
    float[] take(int n) {
        ArrayDeque<float[]> arrays = free.get(n);
        return arrays == null ? null : arrays.poll();
    }

    /** Releases {@code a}, which nothing references any more. */
    void give(float[] a) {
        ArrayDeque<float[]> arrays = free.computeIfAbsent(a.length, n -> new ArrayDeque<>());
        if (arrays.size() < PER_SIZE) {
            arrays.push(a);
        }
    }
}
