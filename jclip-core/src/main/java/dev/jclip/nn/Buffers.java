package dev.jclip.nn;

import dev.jclip.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays for the activations of one inference pass: an activation that will not be read again
 * is given back, and its array is handed out for a later activation of the same size. The
 * blocks of a ResNet stage repeat the same sizes, so after its first block a stage allocates
 * (and the collector copies) almost nothing. Only for arrays the pass made itself; one instance
 * per stage of one pass, on one thread, so that arrays of a finished stage's sizes are dropped.
 */
final class Buffers {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();

    /** An array of {@code size} floats with undefined contents: the caller overwrites all of it. */
    float[] take(int size) {
        ArrayDeque<float[]> same = free.get(size);
        return same == null || same.isEmpty() ? new float[size] : same.pop();
    }

    /** Hands the array of {@code t} out again; {@code t} must not be read afterwards. */
    void give(Tensor t) {
        free.computeIfAbsent(t.numel(), size -> new ArrayDeque<>()).push(t.data());
    }
}
