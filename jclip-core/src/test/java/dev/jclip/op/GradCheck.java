package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks an operation's backward against central finite differences.
 *
 * <p>The scalar under test is {@code L = Σ w·f(inputs)} with fixed random
 * weights {@code w} (so every output element matters, each differently). The
 * analytic gradient comes from {@link Tensor#backward()}; the numerical one from
 * {@code (L(x+h) − L(x−h)) / 2h} with L summed in double precision.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Asserts that the gradient of every input that requires grad matches finite
     * differences within {@code tol}, relative to max(1, the largest gradient magnitude).
     */
    public static void check(Function<Tensor[], Tensor> f, double h, double tol, Tensor... inputs) {
        Tensor probe;
        try (var off = GradMode.noGrad()) {
            probe = f.apply(inputs);
        }
        float[] w = new float[probe.numel()];
        SplittableRandom rng = new SplittableRandom(1234);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (Tensor t : inputs) {
            t.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        out.backward(w);
        for (int n = 0; n < inputs.length; n++) {
            Tensor t = inputs[n];
            if (!t.requiresGrad()) {
                continue;
            }
            float[] analytic = t.grad() == null ? new float[t.numel()] : t.grad().clone();
            float[] x = t.data();
            double maxAbs = 1e-12, maxErr = 0;
            int worst = -1;
            double[] numeric = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                x[i] = (float) (saved + h);
                double lp = weighted(f, inputs, w);
                x[i] = (float) (saved - h);
                double lm = weighted(f, inputs, w);
                x[i] = saved;
                numeric[i] = (lp - lm) / (2 * h);
                maxAbs = Math.max(maxAbs, Math.max(Math.abs(numeric[i]), Math.abs(analytic[i])));
            }
            for (int i = 0; i < x.length; i++) {
                double err = Math.abs(numeric[i] - analytic[i]);
                if (err > maxErr) {
                    maxErr = err;
                    worst = i;
                }
            }
            double rel = maxErr / Math.max(1.0, maxAbs);
            final int fn = n, fw = worst;
            final double fr = rel;
            assertTrue(rel <= tol, () -> "input " + fn + ": gradient differs at element " + fw
                    + " (analytic " + analytic[fw] + ", numeric " + numeric[fw] + "), relative error " + fr);
        }
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] w) {
        try (var off = GradMode.noGrad()) {
            float[] y = f.apply(inputs).data();
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (double) w[i] * y[i];
            }
            return s;
        }
    }

    /** A trainable tensor of N(0,1) values. */
    public static Tensor randomParam(long seed, int... shape) {
        return Tensor.parameter(Tensor.randn(new SplittableRandom(seed), 1f, shape).data(), shape);
    }
}
