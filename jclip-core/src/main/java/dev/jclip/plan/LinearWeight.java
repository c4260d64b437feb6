package dev.jclip.plan;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import dev.jclip.tensor.Tensor;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A linear layer's weight [out, in] as the plan's products read it ({@code x·Wᵀ}). A float32
 * weight is packed into the products' panel layout ({@link Gemm#packB}) when first used, so that
 * later products skip that copy, with the same bits: most of a product's cost at small batches
 * (a server's), little at large ones. The packed copy is a second float32 copy of the
 * weight on the heap. All plans together pack at most a quarter of the maximum heap, and a weight
 * past that budget is read as it is stored, so that a large model on a small heap runs slower
 * rather than failing; a collected plan's packed weights go back to the budget. A weight kept in
 * 16 bits is never packed (its point is the memory), nor is any with the system property
 * {@code jclip.packWeights} {@code false}.
 */
final class LinearWeight {
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jclip.packWeights", "").trim());
    private static final AtomicLong BUDGET = new AtomicLong(Runtime.getRuntime().maxMemory() / 4);
    private static final Cleaner CLEANER = Cleaner.create();

    private final Tensor weight;
    private final int out;
    private final int in;
    private volatile Operand operand;

    LinearWeight(Tensor weight) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("a linear weight is [out, in], got " + Arrays.toString(weight.shape()));
        }
        this.weight = weight;
        out = weight.dim(0);
        in = weight.dim(1);
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

    /** The product's B operand {@code Wᵀ} [in, out]: packed once when the budget allows, else as stored. */
    Operand transposed() {
        Operand o = operand;
        if (o == null) {
            synchronized (this) {
                o = operand;
                if (o == null) {
                    operand = o = pack();
                }
            }
        }
        return o;
    }

    private Operand pack() {
        Operand stored = Projection.rows(weight, 0, in).t();
        if (!ENABLED || weight.halfStorage() != null) {
            return stored;
        }
        long bytes = PackedB.bytes(in, out);
        if (BUDGET.addAndGet(-bytes) < 0) {
            BUDGET.addAndGet(bytes);
            return stored;
        }
        try {
            PackedB packed = Gemm.packB(stored, in, out);
            CLEANER.register(this, () -> BUDGET.addAndGet(bytes));
            return Operand.of(packed);
        } catch (RuntimeException | Error e) {
            BUDGET.addAndGet(bytes);
            throw e;
        }
    }
}
