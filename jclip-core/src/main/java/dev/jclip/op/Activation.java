package dev.jclip.op;

import dev.jclip.kernel.Gelu;
import dev.jclip.kernel.Parallel;
import dev.jclip.kernel.VectorMath;
import dev.jclip.tensor.Tensor;

/** Smooth activations with autograd (ReLU lives in {@code Relu}). */
public final class Activation {
    private Activation() {}

    private static final double QUICK_K = 1.702;
    private static final double SQRT1_2 = Math.sqrt(0.5), SQRT1_PI = 1 / Math.sqrt(Math.PI);
    private static final float TANH_BETA_F = (float) Math.sqrt(2 / Math.PI), TANH_KAPPA_F = 0.044715f;
    private static final float TANH_ONE = 8.664339742f;

    /**
     * GELU of the given kind, element-wise; the same bits as the GEMM epilogue that fuses it into
     * {@link Linear#forwardGelu}. The backward pass is the derivative of each formula (in double):
     * QUICK {@code σ(kx) + k·x·σ(kx)·(1 − σ(kx))}; ERF {@code Φ(x) + x·φ(x)}, with Φ from the same
     * erf approximation as the forward (as PyTorch's backward); TANH
     * {@code ½(1 + t) + ½·x·(1 − t²)·β·(1 + 3κx²)} with {@code t = tanh(β(x + κx³))}, rounded in
     * float as PyTorch's.
     */
    public static Tensor gelu(Tensor x, Gelu kind) {
        float[] src = x.data();
        float[] out = new float[src.length];
        Parallel.forRows(src.length, 1, (from, to) -> VectorMath.gelu(kind, src, from, out, from, to - from));
        return Tensor.result(out, x.shape(), o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                gx[i] += g[i] * (float) derivative(kind, src[i]);
            }
        }, x);
    }

    /** d/dx of {@code kind}'s GELU at {@code x}. */
    private static double derivative(Gelu kind, double x) {
        return switch (kind) {
            case QUICK -> {
                // exp(−kx) overflowing to +inf for very negative x gives σ = 0, as it should.
                double s = 1 / (1 + Math.exp(-QUICK_K * x));
                yield s + QUICK_K * x * s * (1 - s);
            }
            case ERF -> {
                double r = x * SQRT1_2, e = Math.exp(-r * r);
                yield 0.5 + 0.5 * erf(r, e) + r * SQRT1_PI * e;
            }
            case TANH -> {
                // In float, in PyTorch's order, with tanh ±1 beyond |u| = 8.664339742 (SLEEF's tanhf): where
                // 1 + tanh(u) rounds to 0 the gradient is 0 as in PyTorch (exactly, about -1e-6 there).
                float xf = (float) x, square = xf * xf, u = TANH_BETA_F * (xf + TANH_KAPPA_F * (square * xf));
                float t = Math.abs(u) > TANH_ONE ? Math.signum(u) : (float) Math.tanh(u);
                yield 0.5f * (1 + t) + 0.5f * xf * (1 - t * t) * (TANH_BETA_F * (1 + 3 * TANH_KAPPA_F * square));
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
