package dev.jclip.nn;

import dev.jclip.compute.Gelu;

/**
 * The shape of a {@link ResidualAttentionBlock} beyond its width: attention heads, the MLP's hidden
 * width ({@code int(width · mlp_ratio)} in OpenCLIP, {@code intermediate_size} in Hugging Face),
 * LayerScale's initial value ({@code ls_init_value}; 0 for a block without LayerScale), the MLP's
 * activation and the LayerNorm epsilon.
 */
public record BlockConfig(int heads, int mlpWidth, float layerScale, Gelu act, float lnEps) {
    /** PyTorch's LayerNorm epsilon, CLIP's everywhere. */
    public static final float LN_EPS = 1e-5f;

    public BlockConfig {
        if (heads <= 0 || mlpWidth <= 0) {
            throw new IllegalArgumentException("heads and MLP width must be positive: " + heads + ", " + mlpWidth);
        }
        if (!(layerScale >= 0) || Float.isInfinite(layerScale)) {
            throw new IllegalArgumentException("LayerScale init value must be finite and not negative (0 for none): " + layerScale);
        }
        if (act == null) {
            throw new IllegalArgumentException("a block needs an activation");
        }
        if (!(lnEps > 0)) {
            throw new IllegalArgumentException("LayerNorm epsilon must be positive: " + lnEps);
        }
    }

    /** OpenAI CLIP's block of {@code width} channels: a 4× MLP with QuickGELU, no LayerScale, epsilon 1e-5. */
    public static BlockConfig openAi(int width, int heads) {
        return new BlockConfig(heads, 4 * width, 0, Gelu.QUICK, LN_EPS);
    }

    /** Whether the block scales its two branches by learned {@code ls_1.gamma}, {@code ls_2.gamma}. */
    public boolean hasLayerScale() {
        return layerScale > 0;
    }
}
