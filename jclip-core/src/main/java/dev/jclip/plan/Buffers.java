package dev.jclip.plan;

import dev.jclip.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Arrays for the activations of an inference pass: an activation that will not be read again
 * is given back, and its array is handed out for a later activation of the same size. The
 * blocks of a ResNet stage, and the groups of images run through the same layers, repeat the
 * same sizes, so they allocate (and the collector copies) almost nothing after the first. Only
 * sizes this instance handed out are kept: an array of any other size is left to the collector.
 * The blocks of a transformer repeat their sizes too: after the first, they allocate nothing.
 * Convolution weights that their plan does not keep packed ({@link ConvWeight}) are packed once
 * per instance, however many groups of images use them.
 * An instance may serve pass after pass ({@link #endPass}): a batch of the same shape as the last
 * then allocates nothing at all. One instance serves one thread at a time.
 */
final class Buffers {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final Set<Integer> takenThisPass = new HashSet<>();
    private final Map<ConvWeight<?>, Object> packed = new IdentityHashMap<>();

    /** {@code weight} packed by {@code pack}, the first time it is asked for. */
    @SuppressWarnings("unchecked")
    <P> P packed(ConvWeight<P> weight, Supplier<P> pack) {
        return (P) packed.computeIfAbsent(weight, w -> pack.get());
    }

    /** An array of {@code size} floats with undefined contents: the caller overwrites all of it. */
    float[] take(int size) {
        takenThisPass.add(size);
        ArrayDeque<float[]> same = free.computeIfAbsent(size, s -> new ArrayDeque<>());
        return same.isEmpty() ? new float[size] : same.pop();
    }

    /** Hands the array of {@code t} out again if it has a size handed out before; {@code t} must not be read afterwards. */
    void give(Tensor t) {
        ArrayDeque<float[]> same = free.get(t.numel());
        if (same != null) {
            same.push(t.data());
        }
    }

    /**
     * Ends a pass: the arrays of sizes it did not take are left to the collector, so that an
     * instance kept for the next pass holds only what a batch like the last one needs.
     */
    void endPass() {
        free.keySet().retainAll(takenThisPass);
        takenThisPass.clear();
    }
}
