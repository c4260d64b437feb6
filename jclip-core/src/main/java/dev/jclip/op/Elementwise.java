package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Sums;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/** Element-wise arithmetic with autograd: add, mul, scale, exp. */
public final class Elementwise {
    private Elementwise() {}

    /**
     * {@code a + b}, where {@code b}'s shape equals {@code a}'s or is a suffix of it
     * (broadcast over the leading dimensions, e.g. a positional embedding over a batch).
     */
    public static Tensor add(Tensor a, Tensor b) {
        int inner = broadcastInner(a, b, "add");
        float[] x = a.data(), y = b.data();
        float[] out = Workspace.floats(x.length);
        // Any range of elements: b's index j runs along with i and wraps at the end of b.
        Parallel.forRows(x.length, 1, (from, to) -> {
            for (int i = from, j = from % inner; i < to; j = 0) {
                int len = Math.min(inner - j, to - i);
                for (int t = 0; t < len; t++) {
                    out[i + t] = x[i + t] + y[j + t];
                }
                i += len;
            }
        });
        return Tensor.result(out, a.shape(), o -> {
            float[] g = o.grad();
            if (b.requiresGrad()) {
                if (inner == g.length) {
                    b.accumulateGrad(a.requiresGrad() ? g.clone() : g);
                } else {
                    Sums.columnSums(g, g.length / inner, inner, b.gradForAccumulation());
                }
            }
            if (a.requiresGrad()) {
                a.accumulateGrad(g);   // read for b above; handed over last
            }
        }, a, b);
    }

    /** {@code a * b} element-wise; {@code b} may broadcast as in {@link #add}. */
    public static Tensor mul(Tensor a, Tensor b) {
        int inner = broadcastInner(a, b, "mul");
        float[] x = a.data(), y = b.data();
        float[] out = Workspace.floats(x.length);
        for (int i = 0; i < x.length; i += inner) {
            for (int j = 0; j < inner; j++) {
                out[i + j] = x[i + j] * y[j];
            }
        }
        return Tensor.result(out, a.shape(), o -> {
            float[] g = o.grad();
            if (a.requiresGrad()) {
                float[] ga = a.gradForAccumulation();
                for (int i = 0; i < g.length; i += inner) {
                    for (int j = 0; j < inner; j++) {
                        ga[i + j] += g[i + j] * y[j];
                    }
                }
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradForAccumulation();
                for (int i = 0; i < g.length; i += inner) {
                    for (int j = 0; j < inner; j++) {
                        gb[j] += g[i + j] * x[i + j];
                    }
                }
            }
        }, a, b);
    }

    /** {@code a * s} for a scalar tensor {@code s} (e.g. {@code exp(logit_scale) * logits}). */
    public static Tensor mulScalar(Tensor a, Tensor s) {
        if (s.numel() != 1) {
            throw new IllegalArgumentException("mulScalar needs a one-element scale, got " + Arrays.toString(s.shape()));
        }
        float k = s.item();
        float[] x = a.data();
        float[] out = Workspace.floats(x.length);
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * k;
        }
        return Tensor.result(out, a.shape(), o -> {
            float[] g = o.grad();
            if (a.requiresGrad()) {
                float[] ga = a.gradForAccumulation();
                for (int i = 0; i < g.length; i++) {
                    ga[i] += g[i] * k;
                }
            }
            if (s.requiresGrad()) {
                double acc = 0;
                for (int i = 0; i < g.length; i++) {
                    acc += (double) g[i] * x[i];
                }
                s.gradForAccumulation()[0] += (float) acc;
            }
        }, a, s);
    }

    /** {@code a * k} for a constant {@code k}. */
    public static Tensor scale(Tensor a, float k) {
        float[] x = a.data();
        float[] out = Workspace.floats(x.length);
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * k;
        }
        return Tensor.result(out, a.shape(), o -> {
            float[] g = o.grad(), ga = a.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * k;
            }
        }, a);
    }

    /** {@code exp(a)} element-wise. */
    public static Tensor exp(Tensor a) {
        float[] x = a.data();
        float[] out = Workspace.floats(x.length);
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) Math.exp(x[i]);
        }
        return Tensor.result(out, a.shape(), o -> {
            float[] g = o.grad(), ga = a.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * out[i];
            }
        }, a);
    }

    /** Length of {@code b}, after checking that its shape is a suffix of {@code a}'s. */
    static int broadcastInner(Tensor a, Tensor b, String op) {
        int[] sa = a.shape(), sb = b.shape();
        boolean ok = sb.length <= sa.length;
        for (int i = 0; ok && i < sb.length; i++) {
            ok = sb[sb.length - 1 - i] == sa[sa.length - 1 - i];
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(sb)
                    + " does not broadcast to " + Arrays.toString(sa));
        }
        return Math.max(1, b.numel());
    }
}
