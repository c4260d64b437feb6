package dev.jclip.plan;

import dev.jclip.kernel.PackedB;
import dev.jclip.op.Conv2d;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A convolution's weight {@code [O, C, kh, kw]} as {@link Conv2d#infer} reads it: packed
 * ({@link Conv2d#packWeight}) by the first pass that uses it and kept for every later pass, within
 * the budget of {@link PackedWeights}. Every pass needs it packed, and packing all of a ResNet's
 * weights anew for each batch (copied out of the mapped file, reordered, laid out in panels) took
 * a third of the time of a batch of one image (RN50 on 2 threads: 4.9 images/s, 6.8–7.9 with the
 * weights kept; nothing measurable at 32). Past the budget, with copies off, or for a weight kept
 * in 16 bits, each pass packs it ({@link Buffers#packed}).
 */
final class ConvWeight {
    private final Tensor weight;
    private final AtomicLong budget;
    /** The kept packing; null until the first pass, or for good when refused. */
    private volatile PackedB packed;
    private volatile boolean asked;

    ConvWeight(Tensor weight) {
        this(weight, PackedWeights.BUDGET);
    }

    /** A weight packed within {@code budget} bytes (which it takes from, and gives back when collected). */
    ConvWeight(Tensor weight, AtomicLong budget) {
        if (weight.rank() != 4) {
            throw new IllegalArgumentException("a convolution weight is [O, C, kh, kw], got " + Arrays.toString(weight.shape()));
        }
        this.weight = weight;
        this.budget = budget;
    }

    /** The weight as stored. */
    Tensor tensor() {
        return weight;
    }

    /** The packed weight for a pass whose arrays come from {@code buffers}: the kept packing, else the pass's own. */
    PackedB packed(Buffers buffers) {
        if (!asked) {
            synchronized (this) {
                if (!asked) {
                    packed = weight.halfStorage() != null ? null : keep();
                    asked = true;
                }
            }
        }
        PackedB p = packed;
        return p != null ? p : buffers.packed(weight);
    }

    /** The weight packed with its bytes from the budget, or null where the budget lacks them. */
    private PackedB keep() {
        long bytes = PackedB.bytes(weight.dim(1) * weight.dim(2) * weight.dim(3), weight.dim(0));
        return PackedWeights.pack(this, budget, bytes, () -> Conv2d.packWeight(weight));
    }
}
