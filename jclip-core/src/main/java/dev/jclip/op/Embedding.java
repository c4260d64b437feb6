package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Sums;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/** Embedding lookup ({@code F.embedding}) with autograd into the table. */
public final class Embedding {
    /** Columns of the table per backward task: whole cache lines of each row. */
    private static final int COLUMNS_PER_TASK = 64;

    private Embedding() {}

    /**
     * Rows of {@code weight} [V, D] picked by {@code ids} (row-major, of shape
     * {@code idsShape}), giving [idsShape..., D]. Backward adds each output row's
     * gradient into the table row it came from (repeated ids accumulate).
     */
    public static Tensor forward(Tensor weight, int[] ids, int... idsShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding table must be [V, D], got " + Arrays.toString(weight.shape()));
        }
        if (Tensor.numel(idsShape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids for ids shape "
                    + Arrays.toString(idsShape));
        }
        int v = weight.dim(0), d = weight.dim(1);
        for (int id : ids) {
            if (id < 0 || id >= v) {
                throw new IllegalArgumentException("embedding: id " + id + " out of range for a table of " + v + " rows");
            }
        }
        int[] shape = Arrays.copyOf(idsShape, idsShape.length + 1);
        shape[idsShape.length] = d;
        float[] out = Workspace.floats(Tensor.checkedNumel(shape));
        int[] rows = ids.clone(); // the caller may reuse its array
        for (int t = 0; t < rows.length; t++) {
            // A mapped table is read in place, a 16-bit one widened row by row (it stays in 16 bits).
            weight.read((long) rows[t] * d, out, t * d, d);
        }
        return Tensor.result(out, shape, o -> {
            float[] g = o.grad(), gw = weight.gradForAccumulation();
            // Tasks own fixed column ranges of the table and add the tokens' rows in token order, so a
            // repeated id's sum has the same order (and bits) on any pool.
            Parallel.forEach(Math.ceilDiv(d, COLUMNS_PER_TASK), c -> {
                int from = c * COLUMNS_PER_TASK, len = Math.min(d - from, COLUMNS_PER_TASK);
                for (int t = 0; t < rows.length; t++) {
                    Sums.add(gw, rows[t] * d + from, g, t * d + from, len);
                }
            });
        }, weight);
    }
}
