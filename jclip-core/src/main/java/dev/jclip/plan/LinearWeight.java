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
 * out its weight for the micro-kernel each time ({@link Gemm}); for fewer than
 * {@link #PACK_BELOW_ROWS} rows that copy is a share of its work worth keeping (at a few dozen rows,
 * most of it; at a batch of 32 ViT-B/32 images or 77-token texts, 2–3%), so the first such product
 * packs a float32 weight once ({@link Gemm#packB}) and every later product reads the packed copy,
 * with the same bits. Larger products alone never pack (the copy is about 1% of their work there
 * and less beyond), so that a workload of very large batches does not pay the memory: a second
 * float32 copy of the weight on the heap, within the budget of
 * {@link PackedWeights} (past it, or with copies off, the weight is read as it is stored). A weight
 * kept in 16 bits is never packed (its point is the memory).
 */
final class LinearWeight {
    /** Products of fewer rows pack the weight (packing it per product would cost them above about 1% more). */
    static final int PACK_BELOW_ROWS = 4096;

    private final Tensor weight;
    private final AtomicLong budget;
    private final int out;
    private final int in;
    private final Operand stored;
    /** The packed weight, or the stored one when packing was refused; null until a small product asks. */
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
     * The B operand {@code Wᵀ} [in, out] of a product of {@code rows} rows: packed once when a
     * product of fewer than {@link #PACK_BELOW_ROWS} rows first asks and the budget allows, else as stored.
     */
    Operand transposed(int rows) {
        Operand o = operand;
        if (o != null) {
            return o;
        }
        if (rows >= PACK_BELOW_ROWS) {
            return stored;
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
