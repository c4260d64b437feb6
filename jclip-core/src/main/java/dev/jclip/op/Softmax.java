package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Rows;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** Softmax over the last dimension, with an optional additive mask (attention scores). */
public final class Softmax {
    private Softmax() {}

    /**
     * {@code softmax(x + mask, dim=-1)}. {@code mask} may be null (none); otherwise its
     * shape is a suffix of {@code x}'s, broadcast over the leading dimensions (e.g. a
     * causal [L, L] mask over [B, heads, L, L] scores). Masked entries of −inf get
     * probability 0. A row that is entirely −inf gives NaN, as in PyTorch.
     */
    public static Tensor forward(Tensor x, Tensor mask) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException("softmax of a scalar");
        }
        int n = x.dim(-1);
        if (mask != null && mask.rank() == 0) {
            throw new IllegalArgumentException("softmax mask must have the last dimension of the scores, got "
                    + Arrays.toString(mask.shape()));
        }
        int maskLen = mask == null ? 0 : Elementwise.broadcastInner(x, mask, "softmax mask");
        float[] src = x.data(), m = mask == null ? null : mask.data();
        float[] out = src.clone();
        int rows = n == 0 ? 0 : src.length / n;
        Parallel.forRows(rows, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                Rows.softmax(out, r * n, n, 1f, m, m == null ? 0 : r * n % maskLen);
            }
        });
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad();
            float[] gx = x.requiresGrad() ? x.gradForAccumulation() : null;
            float[] gm = mask != null && mask.requiresGrad() ? mask.gradForAccumulation() : null;
            for (int r = 0; r < rows; r++) {
                int base = r * n;
                // dx_i = y_i · (g_i − Σ_j g_j·y_j); the mask is added to x, so it gets the same.
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) g[base + i] * out[base + i];
                }
                for (int i = 0; i < n; i++) {
                    float d = (float) (out[base + i] * (g[base + i] - dot));
                    if (gx != null) {
                        gx[base + i] += d;
                    }
                    if (gm != null) {
                        gm[base % maskLen + i] += d;
                    }
                }
            }
        }, x, mask);
    }

    /** CLIP's causal attention mask [L, L]: 0 on and below the diagonal, −inf above. */
    public static Tensor causalMask(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("causal mask length " + length);
        }
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                m[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Tensor.of(m, length, length);
    }
}
