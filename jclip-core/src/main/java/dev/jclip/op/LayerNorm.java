package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Rows;
import dev.jclip.kernel.RowsGrad;
import dev.jclip.kernel.Sums;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/**
 * Layer normalization over the last dimension, as {@code F.layer_norm(x, (D,), weight, bias, eps)}:
 * {@code (x − mean) / sqrt(var + eps) · weight + bias} with the biased variance.
 */
public final class LayerNorm {
    /** Rows whose shares of the weight and bias gradients are summed together before the chunks are. */
    private static final int ROWS_PER_CHUNK = 32;

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
        float[] out = Workspace.floats(src.length);
        // Saved for backward: per row, the mean and 1/sqrt(var + eps).
        float[] stats = Workspace.floats(2 * rows);
        Parallel.forRows(rows, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                Rows.layerNorm(src, r * d, d, w, b, eps, out, r * d, stats, r);
            }
        });
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad();
            boolean first = x.grad() == null;
            float[] gx = !x.requiresGrad() ? null : first ? x.gradForOverwrite() : x.gradForAccumulation();
            // Rows in fixed chunks, each summing its rows' shares of the weight's and bias's gradients;
            // the chunks' partial sums are then added in chunk order: the same bits on any pool.
            int chunks = Math.ceilDiv(rows, ROWS_PER_CHUNK);
            float[] pw = Workspace.zeros(chunks * d), pb = Workspace.zeros(chunks * d);
            Parallel.forEach(chunks, c -> {
                for (int r = c * ROWS_PER_CHUNK, end = Math.min(rows, r + ROWS_PER_CHUNK); r < end; r++) {
                    RowsGrad.layerNorm(src, g, r * d, d, w, stats[2 * r], stats[2 * r + 1], gx, !first, pw, pb, c * d);
                }
            });
            if (weight.requiresGrad()) {
                Sums.columnSums(pw, chunks, d, weight.gradForAccumulation());
            }
            if (bias.requiresGrad()) {
                Sums.columnSums(pb, chunks, d, bias.gradForAccumulation());
            }
        }, x, weight, bias);
    }
}
