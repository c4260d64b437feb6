package dev.jclip.plan;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import dev.jclip.op.Linear;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A linear layer's weight [out, in] as the plan's products read it ({@code x·Wᵀ}). A product lays
 * out its weight for the micro-kernel each time ({@link Gemm}) unless given it so laid out: at a
 * few dozen rows that copy is most of its work, and even at a batch of 32 ViT-B/16 images (6,304
 * rows, where the product packs the weight in a pass of its own before computing) it cost 3% of
 * the tower's time. So the first product packs a float32 weight once ({@link Gemm#packB}) and
 * every later product reads the packed copy, with the same bits, as ONNX Runtime keeps its
 * weights prepacked. The copy is a second float32 copy of the weight on the heap, within the
 * budget of {@link PackedWeights} (past it, or with copies off, the weight is read as it is
 * stored). A weight kept in 16 bits is never packed (its point is the memory).
 */
final class LinearWeight {
    private final Tensor weight;
    private final AtomicLong budget;
    private final int out;
    private final int in;
    private final Operand stored;
    /** The packed weight, or the stored one when packing was refused; null until the first product asks. */
    private volatile Operand operand;

    LinearWeight(Tensor weight) {
        this(weight, PackedWeights.BUDGET);
    }

    /** A weight packed within {@code budget} bytes (which it takes from, and gives back when collected). */
    LinearWeight(Tensor weight, AtomicLong budget) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("a linear weight is [out, in], got " + Arrays.toString(weight.shape()));
        }
        this.weight = weight;
        this.budget = budget;
        out = weight.dim(0);
        in = weight.dim(1);
        stored = Linear.stored(weight, 0, in).t();
    }

    /** Output features: the weight's rows. */
    int out() {
        return out;
    }

    /** Input features: the weight's columns. */
    int in() {
        return in;
    }

    /** The weight itself (for products that read only some of its rows). */
    Tensor tensor() {
        return weight;
    }

    /**
     * The B operand {@code Wᵀ} [in, out] of a product: packed by the first product that asks, when
     * the budget allows, else as stored.
     */
    Operand transposed() {
        Operand o = operand;
        if (o != null) {
            return o;
        }
        synchronized (this) {
            if (operand == null) {
                operand = pack();
            }
            return operand;
        }
    }

    private Operand pack() {
        if (weight.halfStorage() != null) {
            return stored;
        }
        PackedB packed = PackedWeights.pack(this, budget, PackedB.bytes(in, out), () -> Gemm.packB(stored, in, out));
        return packed == null ? stored : Operand.of(packed);
    }
}
