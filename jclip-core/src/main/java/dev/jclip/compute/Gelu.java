package dev.jclip.compute;

import java.util.Locale;

/**
 * The GELU variants of transformer MLPs, {@code x·Φ(x)} with Φ the standard normal CDF or an
 * approximation of it. Each has one forward, a vector kernel (kernel {@code VectorMath.gelu}) that the GEMM
 * epilogue can fuse ({@code Epilogue.withGelu}), and one backward: {@link #derivative} of one value, and
 * its vector kernel for arrays (kernel {@code GeluGrad}, the same formulas in float, as PyTorch's).
 */
public enum Gelu {
    /**
     * QuickGELU, {@code x·σ(1.702·x)}: OpenAI CLIP and the open_clip configs with
     * {@code "quick_gelu": true} (Hugging Face {@code hidden_act: "quick_gelu"}).
     */
    QUICK,
    /**
     * Exact GELU, {@code x·½·(1 + erf(x/√2))}: PyTorch's {@code nn.GELU()}, used by every other
     * open_clip config and by Hugging Face {@code hidden_act: "gelu"}. Computed as PyTorch's
     * float32 CPU kernel computes it on AVX2 machines, bit for bit (erf by Abramowitz and Stegun
     * 7.1.26, |error| ≤ 1.5e-7); on AVX-512 ones PyTorch uses another approximation, as close.
     */
    ERF,
    /**
     * The tanh approximation, {@code ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}: PyTorch's
     * {@code nn.GELU(approximate='tanh')}, Hugging Face {@code "gelu_pytorch_tanh"} and
     * {@code "gelu_new"} (SigLIP).
     */
    TANH;

    /**
     * The variant a user or a config names: {@code quick_gelu} (or {@code quickgelu}), {@code gelu}
     * (or {@code erf}), {@code gelu_tanh} (or {@code tanh}, {@code gelu_pytorch_tanh}, {@code gelu_new}).
     */
    public static Gelu byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick_gelu", "quickgelu", "quick" -> QUICK;
            case "gelu", "erf" -> ERF;
            case "gelu_tanh", "tanh", "gelu_pytorch_tanh", "gelu_new" -> TANH;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "': use quick_gelu, gelu or gelu_tanh");
        };
    }

    private static final double SQRT1_2 = Math.sqrt(0.5), SQRT1_PI = 1 / Math.sqrt(Math.PI);
    private static final float TANH_BETA = (float) Math.sqrt(2 / Math.PI), TANH_KAPPA = 0.044715f;
    private static final float TANH_ONE = 8.664339742f;

    /**
     * d/dx of this GELU at {@code x}, the derivative of each formula: QUICK
     * {@code σ(kx) + k·x·σ(kx)·(1 − σ(kx))} and ERF {@code Φ(x) + x·φ(x)} in double, Φ from the
     * same erf approximation as the forward (as PyTorch's backward); TANH
     * {@code ½(1 + t) + ½·x·(1 − t²)·β·(1 + 3κx²)} with {@code t = tanh(β(x + κx³))}, rounded in
     * float in PyTorch's order.
     */
    public float derivative(float x) {
        return switch (this) {
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
