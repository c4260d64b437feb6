package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.Reduce;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * The ResNet's attention pooling: the mean of the spatial tokens goes in front,
 * a positional embedding is added, and that mean token alone queries all tokens
 * through separate {@code q_proj}, {@code k_proj}, {@code v_proj}; {@code c_proj}
 * maps the result to the embedding.
 */
public final class AttentionPool2d extends Module {
    private final int heads;
    private final Tensor positionalEmbedding;
    private final Tensor qWeight, qBias, kWeight, kBias, vWeight, vBias, cWeight, cBias;

    public AttentionPool2d(int spacialDim, int embedDim, int heads, int outputDim) {
        if (heads <= 0 || embedDim % heads != 0) {
            throw new IllegalArgumentException("attention pool width " + embedDim + " is not divisible into " + heads + " heads");
        }
        this.heads = heads;
        positionalEmbedding = parameter("positional_embedding", spacialDim * spacialDim + 1, embedDim);
        kWeight = parameter("k_proj.weight", embedDim, embedDim);
        kBias = parameter("k_proj.bias", embedDim);
        qWeight = parameter("q_proj.weight", embedDim, embedDim);
        qBias = parameter("q_proj.bias", embedDim);
        vWeight = parameter("v_proj.weight", embedDim, embedDim);
        vBias = parameter("v_proj.bias", embedDim);
        cWeight = parameter("c_proj.weight", outputDim, embedDim);
        cBias = parameter("c_proj.bias", outputDim);
    }

    /** {@code x} [B, C, H, W] -> [B, outputDim]. */
    public Tensor forward(Tensor x) {
        int b = x.dim(0), c = x.dim(1);
        x = Views.transpose(x.reshape(b, c, -1), 1, 2);                        // [B, HW, C]
        Tensor mean = Reduce.mean(x, 1).reshape(b, 1, c);
        x = Elementwise.add(Views.concat(1, mean, x), positionalEmbedding);  // [B, HW+1, C]
        Tensor q = MultiheadAttention.splitHeads(Linear.forward(Views.slice(x, 1, 0, 1), qWeight, qBias), heads);
        Tensor k = MultiheadAttention.splitHeads(Linear.forward(x, kWeight, kBias), heads);
        Tensor v = MultiheadAttention.splitHeads(Linear.forward(x, vWeight, vBias), heads);
        Tensor out = Linear.forward(MultiheadAttention.attend(q, k, v, null), cWeight, cBias);  // [B, 1, out]
        return out.reshape(b, -1);
    }
}
