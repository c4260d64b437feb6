package dev.jclip.op;

import dev.jclip.kernel.Parallel;
import dev.jclip.kernel.Rows;
import dev.jclip.tensor.Tensor;

/** Smooth activations with autograd (ReLU lives in {@code Relu}). */
public final class Activation {
    private Activation() {}

    /**
     * CLIP's QuickGELU, {@code x · σ(1.702·x)}, element-wise; the same bits as the
     * GEMM epilogue that fuses it into {@link Linear#forwardQuickGelu}.
     */
    public static Tensor quickGelu(Tensor x) {
        float[] src = x.data();
        float[] out = new float[src.length];
        Parallel.forRows(src.length, 1, (from, to) -> Rows.quickGelu(src, from, out, from, to - from));
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                // exp(−z) overflowing to +inf for very negative z gives σ = 0, as it should.
                float s = (float) (1.0 / (1.0 + Math.exp(-(1.702f * src[i]))));
                // d/dx [x·σ(kx)] = σ(kx) + k·x·σ(kx)·(1 − σ(kx))
                gx[i] += g[i] * (s + 1.702f * src[i] * s * (1 - s));
            }
        }, x);
    }
}
