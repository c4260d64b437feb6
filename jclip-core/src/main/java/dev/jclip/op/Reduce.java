package dev.jclip.op;

import dev.jclip.tensor.Tensor;

/** Reductions with autograd: mean over one dimension, sum of everything. Accumulated in double. */
public final class Reduce {
    private Reduce() {}

    /** {@code x.mean(dim)}: the dimension is removed (negative counts from the end). */
    public static Tensor mean(Tensor x, int dim) {
        int[] shape = x.shape();
        int d = Views.axis(dim, shape.length, "mean");
        int n = shape[d], inner = Views.innerSize(shape, d), outer = Views.outerSize(shape, d);
        int[] outShape = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                outShape[j++] = shape[i];
            }
        }
        float[] src = x.data();
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = 0;
                for (int k = 0; k < n; k++) {
                    acc += src[(o * n + k) * inner + i];
                }
                out[o * inner + i] = (float) (acc / n);
            }
        }
        return Tensor.result(out, outShape, r -> {
            float[] g = r.grad(), gx = x.gradForAccumulation();
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < n; k++) {
                    for (int i = 0; i < inner; i++) {
                        gx[(o * n + k) * inner + i] += g[o * inner + i] / n;
                    }
                }
            }
        }, x);
    }

    /** {@code x.sum()}: a scalar (shape {@code []}). */
    public static Tensor sum(Tensor x) {
        float[] src = x.data();
        double acc = 0;
        for (float v : src) {
            acc += v;
        }
        return Tensor.result(new float[] {(float) acc}, new int[0], r -> {
            float g = r.grad()[0];
            float[] gx = x.gradForAccumulation();
            for (int i = 0; i < gx.length; i++) {
                gx[i] += g;
            }
        }, x);
    }
}
