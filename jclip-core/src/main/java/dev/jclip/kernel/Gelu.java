package dev.jclip.kernel;

import java.util.Locale;

/**
 * The GELU variants of transformer MLPs, {@code x·Φ(x)} with Φ the standard normal CDF or an
 * approximation of it. Each has a vector kernel ({@link VectorMath#gelu}) that the GEMM epilogue
 * can fuse ({@link Epilogue#withGelu}).
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
}
