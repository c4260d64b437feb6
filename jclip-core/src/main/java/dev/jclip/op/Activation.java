package dev.jclip.op;

import dev.jclip.kernel.Gelu;
import dev.jclip.kernel.Parallel;
import dev.jclip.kernel.VectorMath;
import dev.jclip.tensor.Tensor;

/** Smooth activations with autograd (ReLU lives in {@code Relu}). */
public final class Activation {
    private Activation() {}

    private static final double SQRT1_2 = Math.sqrt(0.5), SQRT1_PI = 1 / Math.sqrt(Math.PI);
    private static final float TANH_BETA = (float) Math.sqrt(2 / Math.PI), TANH_KAPPA = 0.044715f;
    private static final float TANH_ONE = 8.664339742f;

    /**
     * GELU of the given kind, element-wise; the same bits as the GEMM epilogue that fuses it into
     * {@link Linear#forwardGelu}. The backward pass is the derivative of each formula: QUICK
     * {@code σ(kx) + k·x·σ(kx)·(1 − σ(kx))} and ERF {@code Φ(x) + x·φ(x)} in double, Φ from the
     * same erf approximation as the forward (as PyTorch's backward); TANH
     * {@code ½(1 + t) + ½·x·(1 − t²)·β·(1 + 3κx²)} with {@code t = tanh(β(x + κx³))}, rounded in
     * float in PyTorch's order.
     */
    public static Tensor gelu(Tensor x, Gelu kind) {
        float[] src = x.data();
        float[] out = new float[src.length];
        Parallel.forRows(src.length, 1, (from, to) -> VectorMath.gelu(kind, src, from, out, from, to - from));
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                gx[i] += g[i] * derivative(kind, src[i]);
            }
        }, x);
    }

    /** d/dx of {@code kind}'s GELU at {@code x}. */
    private static float derivative(Gelu kind, float x) {
        return switch (kind) {
            case QUICK -> {
                // In double, so that z = kx cannot overflow (in float, inf·0 made the gradient NaN above
                // |x| = 2e38); exp(−z) overflowing to +inf for very negative z gives σ = 0, as it should.
                double z = 1.702f * (double) x, s = 1 / (1 + Math.exp(-z));
                yield (float) (s + z * s * (1 - s));
            }
            case ERF -> {
                double r = x * SQRT1_2, e = Math.exp(-r * r);
                yield (float) (0.5 + 0.5 * erf(r, e) + r * SQRT1_PI * e);
            }
            case TANH -> {
                // tanh is ±1 beyond |u| = 8.664339742, as SLEEF's tanhf: where 1 + tanh(u) rounds to 0 the
                // gradient is 0, as PyTorch's (the exact one is about -1e-6 there).
                float square = x * x, u = TANH_BETA * (x + TANH_KAPPA * (square * x));
                float t = Math.abs(u) > TANH_ONE ? Math.signum(u) : (float) Math.tanh(u);
                yield 0.5f * (1 + t) + 0.5f * x * (1 - t * t) * (TANH_BETA * (1 + 3 * TANH_KAPPA * square));
            }
        };
    }

    /**
     * erf(r) by Abramowitz and Stegun 7.1.26 (|error| ≤ 1.5e-7), given {@code e = e^(−r²)}: the
     * approximation of the forward kernel.
     */
    private static double erf(double r, double e) {
        double t = 1 / (1 + 0.3275911 * Math.abs(r));
        double a = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
        return Math.copySign(1 - a * e, r);
    }
}
