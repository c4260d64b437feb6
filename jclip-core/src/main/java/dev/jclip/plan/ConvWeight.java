package dev.jclip.plan;

import dev.jclip.kernel.PackedB;
import dev.jclip.op.Conv2d;
import dev.jclip.op.WinogradConv2d;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A convolution's weight {@code [O, C, kh, kw]} packed as its convolution reads it ({@code P}:
 * {@link Conv2d#packWeight} or {@link WinogradConv2d#packWeight}) by the first pass that uses it
 * and kept for every later pass, within the budget of {@link PackedWeights}. Every pass needs it
 * packed, and packing all of a ResNet's weights anew for each batch (copied out of the mapped file,
 * reordered, laid out in panels) took a third of the time of a batch of one image (RN50 on 2
 * threads: 4.9 images/s, 6.8–7.9 with the weights kept; nothing measurable at 32). Past the
 * budget, with copies off, or for a weight kept in 16 bits, each pass packs it
 * ({@link Buffers#packed}).
 *
 * @param <P> the packed form
 */
final class ConvWeight<P> {
    private final Tensor weight;
    private final Function<Tensor, P> pack;
    private final long bytes;
    private final AtomicLong budget;
    /** The kept packing; null until the first pass, or for good when refused. */
    private volatile P packed;
    private volatile boolean asked;

    /** A weight packed by {@code pack} into {@code bytes}, taken from {@code budget} (and given back when collected). */
    private ConvWeight(Tensor weight, Function<Tensor, P> pack, long bytes, AtomicLong budget) {
        this.weight = weight;
        this.pack = pack;
        this.bytes = bytes;
        this.budget = budget;
    }

    /** {@code weight} for {@link Conv2d#infer}, within the plans' budget. */
    static ConvWeight<PackedB> direct(Tensor weight) {
        return direct(weight, PackedWeights.BUDGET);
    }

    /** {@code weight} for {@link Conv2d#infer}, within {@code budget} bytes. */
    static ConvWeight<PackedB> direct(Tensor weight, AtomicLong budget) {
        requireRank4(weight);
        long bytes = PackedB.bytes(weight.dim(1) * weight.dim(2) * weight.dim(3), weight.dim(0));
        return new ConvWeight<>(weight, Conv2d::packWeight, bytes, budget);
    }

    /** {@code weight} {@code [O, C, 3, 3]} for {@link WinogradConv2d#infer}, within the plans' budget. */
    static ConvWeight<WinogradConv2d.Weight> winograd(Tensor weight) {
        return winograd(weight, PackedWeights.BUDGET);
    }

    /** {@code weight} {@code [O, C, 3, 3]} for {@link WinogradConv2d#infer}, within {@code budget} bytes. */
    static ConvWeight<WinogradConv2d.Weight> winograd(Tensor weight, AtomicLong budget) {
        requireRank4(weight);
        return new ConvWeight<>(weight, WinogradConv2d::packWeight, WinogradConv2d.Weight.bytes(weight.dim(0), weight.dim(1)),
                budget);
    }

    private static void requireRank4(Tensor weight) {
        if (weight.rank() != 4) {
            throw new IllegalArgumentException("a convolution weight is [O, C, kh, kw], got " + Arrays.toString(weight.shape()));
        }
    }

    /** The weight as stored. */
    Tensor tensor() {
        return weight;
    }

    /** The packed weight for a pass whose arrays come from {@code buffers}: the kept packing, else the pass's own. */
    P packed(Buffers buffers) {
        if (!asked) {
            synchronized (this) {
                if (!asked) {
                    packed = weight.halfStorage() != null ? null : keep();
                    asked = true;
                }
            }
        }
        P p = packed;
        return p != null ? p : buffers.packed(this, () -> pack.apply(weight));
    }

    /** The weight packed with its bytes from the budget, or null where the budget lacks them. */
    private P keep() {
        return PackedWeights.pack(this, budget, bytes, () -> pack.apply(weight));
    }
}
