package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Rows;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * Layer normalization over the last dimension, as {@code F.layer_norm(x, (D,), weight, bias, eps)}:
 * {@code (x − mean) / sqrt(var + eps) · weight + bias} with the biased variance.
 */
public final class LayerNorm {
    private LayerNorm() {}

    /** Normalizes each last-dimension row of {@code x} [..., D]; {@code weight} and {@code bias} are [D]. */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, float eps) {
        int d = x.rank() == 0 ? 0 : x.dim(-1);
        if (x.rank() == 0 || weight.rank() != 1 || weight.dim(0) != d || bias.rank() != 1 || bias.dim(0) != d) {
            throw new IllegalArgumentException("layer_norm: input " + Arrays.toString(x.shape()) + ", weight "
                    + Arrays.toString(weight.shape()) + ", bias " + Arrays.toString(bias.shape())
                    + " (weight and bias must be [last dim of input])");
        }
        int rows = d == 0 ? 0 : x.numel() / d;
        float[] src = x.data(), w = weight.data(), b = bias.data();
        float[] out = new float[src.length];
        // Saved for backward: per row, the mean and 1/sqrt(var + eps).
        float[] stats = new float[2 * rows];
        Parallel.forRows(rows, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                Rows.layerNorm(src, r * d, d, w, b, eps, out, r * d, stats, r);
            }
        });
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad();
            float[] gx = x.requiresGrad() ? x.gradForAccumulation() : null;
            float[] gw = weight.requiresGrad() ? weight.gradForAccumulation() : null;
            float[] gb = bias.requiresGrad() ? bias.gradForAccumulation() : null;
            for (int r = 0; r < rows; r++) {
                int base = r * d;
                // With xhat = (x − mean)·rstd and dn = g·w:
                // dx = rstd · (dn − mean(dn) − xhat · mean(dn · xhat)).
                float mean = stats[2 * r], rstd = stats[2 * r + 1];
                double dnMean = 0, dnXhatMean = 0;
                for (int i = 0; i < d; i++) {
                    float xhat = (src[base + i] - mean) * rstd;
                    float dn = g[base + i] * w[i];
                    dnMean += dn;
                    dnXhatMean += dn * xhat;
                    if (gw != null) {
                        gw[i] += g[base + i] * xhat;
                    }
                    if (gb != null) {
                        gb[i] += g[base + i];
                    }
                }
                dnMean /= d;
                dnXhatMean /= d;
                if (gx != null) {
                    for (int i = 0; i < d; i++) {
                        float xhat = (src[base + i] - mean) * rstd;
                        float dn = g[base + i] * w[i];
                        gx[base + i] += (float) (rstd * (dn - dnMean - xhat * dnXhatMean));
                    }
                }
            }
        }, x, weight, bias);
    }
}
