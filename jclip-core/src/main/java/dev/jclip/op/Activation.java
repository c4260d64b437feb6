package dev.jclip.op;

import dev.jclip.tensor.Tensor;

/** Smooth activations with autograd (ReLU lives in {@code Relu}). */
public final class Activation {
    private Activation() {}

    /** CLIP's QuickGELU, {@code x · σ(1.702·x)}, element-wise. */
    public static Tensor quickGelu(Tensor x) {
        float[] src = x.data();
        float[] out = new float[src.length];
        float[] sig = new float[src.length]; // σ(1.702·x), saved for backward
        for (int i = 0; i < src.length; i++) {
            // exp(−z) overflowing to +inf for very negative z gives σ = 0, as it should.
            sig[i] = (float) (1.0 / (1.0 + Math.exp(-(1.702f * src[i]))));
            out[i] = src[i] * sig[i];
        }
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                float s = sig[i];
                // d/dx [x·σ(kx)] = σ(kx) + k·x·σ(kx)·(1 − σ(kx))
                gx[i] += g[i] * (s + 1.702f * src[i] * s * (1 - s));
            }
        }, x);
    }
}
