package dev.jclip.op;

import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/** Row gathering with autograd, e.g. pooling the end-of-text token of each sequence. */
public final class Gather {
    private Gather() {}

    /**
     * {@code x[rows]} for {@code x} [N, D] (reshape higher ranks first), giving
     * [rows.length, D]. Backward adds each output row's gradient into the source row.
     */
    public static Tensor rows(Tensor x, int[] rows) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("gather rows needs a [N, D] tensor, got " + Arrays.toString(x.shape()));
        }
        int n = x.dim(0), d = x.dim(1);
        for (int r : rows) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("gather: row " + r + " out of range for " + n + " rows");
            }
        }
        int[] picked = rows.clone(); // the caller may reuse its array
        float[] src = x.data();
        float[] out = Workspace.floats(Tensor.checkedNumel(picked.length, d));
        for (int t = 0; t < picked.length; t++) {
            System.arraycopy(src, picked[t] * d, out, t * d, d);
        }
        return Tensor.result(out, new int[] {picked.length, d}, o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int t = 0; t < picked.length; t++) {
                for (int i = 0; i < d; i++) {
                    gx[picked[t] * d + i] += g[t * d + i];
                }
            }
        }, x);
    }
}
