package dev.jclip.nn;

import dev.jclip.compute.Gelu;
import dev.jclip.op.Activation;
import dev.jclip.op.Elementwise;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * SigLIP's multihead attention pooling ("MAP") head, Hugging Face's
 * {@code SiglipMultiheadAttentionPoolingHead} (timm's {@code AttentionPoolLatent}): a learned
 * {@code probe} token attends to every token state, then {@code y + mlp(layernorm(y))}; the probe's
 * state is the pooled feature.
 */
public final class AttentionPoolingHead extends Module {
    private final int width;
    private final Gelu act;
    private final float lnEps;
    private final Tensor probe, lnWeight, lnBias, fc1Weight, fc1Bias, fc2Weight, fc2Bias;
    private final MultiheadAttention attention;

    /** A head over {@code width}-channel tokens: {@code heads} attention heads, an MLP of {@code mlpWidth} with {@code act}. */
    public AttentionPoolingHead(int width, int heads, int mlpWidth, Gelu act, float lnEps) {
        this.width = width;
        this.act = act;
        this.lnEps = lnEps;
        probe = parameter("probe", 1, 1, width);
        attention = child("attention", new MultiheadAttention(width, heads));
        lnWeight = parameter("layernorm.weight", width);
        lnBias = parameter("layernorm.bias", width);
        fc1Weight = parameter("mlp.fc1.weight", mlpWidth, width);
        fc1Bias = parameter("mlp.fc1.bias", mlpWidth);
        fc2Weight = parameter("mlp.fc2.weight", width, mlpWidth);
        fc2Bias = parameter("mlp.fc2.bias", width);
    }

    /** The pooled features [B, width] of token states {@code x} [B, L, width]. */
    public Tensor forward(Tensor x) {
        // Broadcasting the probe onto zeros gives [B, 1, W] and routes its gradient back.
        Tensor q = Elementwise.add(Tensor.zeros(x.dim(0), 1, width), probe.reshape(1, width));
        Tensor y = attention.attend(q, x);
        Tensor h = Activation.gelu(Linear.forward(LayerNorm.forward(y, lnWeight, lnBias, lnEps), fc1Weight, fc1Bias), act);
        y = Linear.forward(h, fc2Weight, fc2Bias, y);
        return Views.select(y, 1, 0);
    }
}
