package dev.jclip.op;

import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;

/** L2 normalization of feature vectors, as CLIP does before the similarity logits. */
public final class Normalize {
    private Normalize() {}

    /**
     * {@code x / x.norm(dim=-1, keepdim=True)}. No epsilon, like CLIP: a zero
     * vector gives NaN (0/0), as in PyTorch.
     */
    public static Tensor l2(Tensor x) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("l2 normalization of a scalar");
        }
        int d = x.dim(-1);
        int rows = d == 0 ? 0 : x.numel() / d;
        float[] src = x.data();
        float[] out = Workspace.floats(src.length);
        float[] norm = Workspace.floats(rows); // saved for backward
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            double sq = 0;
            for (int i = 0; i < d; i++) {
                sq += (double) src[base + i] * src[base + i];
            }
            norm[r] = (float) Math.sqrt(sq);
            for (int i = 0; i < d; i++) {
                out[base + i] = src[base + i] / norm[r];
            }
        }
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int r = 0; r < rows; r++) {
                int base = r * d;
                // y = x/|x|  ⇒  dx = (g − y·(g·y)) / |x|
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) g[base + i] * out[base + i];
                }
                for (int i = 0; i < d; i++) {
                    gx[base + i] += (float) ((g[base + i] - out[base + i] * dot) / norm[r]);
                }
            }
        }, x);
    }
}
