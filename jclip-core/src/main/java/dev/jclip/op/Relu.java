package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;

/** Rectified linear unit {@code max(0, x)}. */
public final class Relu {
    private Relu() {}

    /** {@code max(0, x)} element-wise; the gradient passes where the output is positive. */
    public static Tensor forward(Tensor x) {
        float[] xd = x.data();
        float[] y = Workspace.floats(xd.length);
        Parallel.forRows(xd.length, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = xd[i] > 0 ? xd[i] : 0f;
            }
        });
        return Tensor.result(y, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                if (y[i] > 0) {
                    gx[i] += g[i];
                }
            }
        }, x);
    }
}
