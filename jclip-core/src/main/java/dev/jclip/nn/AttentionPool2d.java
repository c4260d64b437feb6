package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Reduce;
import dev.jclip.op.Softmax;
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

    /** A pool over a {@code spacialDim}² grid of {@code embedDim} channels, projected to {@code outputDim}. */
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

    /** Attention heads. */
    public int heads() {
        return heads;
    }

    /** {@code x} [B, C, H, W] -> [B, outputDim]. */
    public Tensor forward(Tensor x) {
        x = Views.transpose(x.reshape(x.dim(0), x.dim(1), -1), 1, 2);   // [B, HW, C]
        int b = x.dim(0), c = x.dim(2);
        Tensor mean = Reduce.mean(x, 1).reshape(b, 1, c);
        x = Elementwise.add(Views.concat(1, mean, x), positionalEmbedding);  // [B, HW+1, C]
        Tensor q = splitHeads(Linear.forward(Views.slice(x, 1, 0, 1), qWeight, qBias), heads);
        Tensor k = splitHeads(Linear.forward(x, kWeight, kBias), heads);
        Tensor v = splitHeads(Linear.forward(x, vWeight, vBias), heads);
        Tensor out = Linear.forward(attend(q, k, v, null), cWeight, cBias);  // [B, 1, out]
        return out.reshape(b, -1);
    }

    /** [B, L, D] -> [B, H, L, D/H]. */
    private static Tensor splitHeads(Tensor x, int heads) {
        int b = x.dim(0), l = x.dim(1), d = x.dim(2);
        return Views.permute(x.reshape(b, l, heads, d / heads), 0, 2, 1, 3);
    }

    /**
     * Scaled dot-product attention of q [B, H, Lq, hd] over k, v [B, H, L, hd]:
     * {@code softmax(q·hd^-0.5 @ kᵀ + mask) @ v}, heads merged back to [B, Lq, H·hd].
     */
    private static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
        int b = q.dim(0), h = q.dim(1), lq = q.dim(2), hd = q.dim(3);
        // Scale q before the product, as PyTorch does, so the scores stay small.
        Tensor scores = MatMul.matmul(Elementwise.scale(q, (float) (1.0 / Math.sqrt(hd))), false, k, true);
        Tensor out = MatMul.matmul(Softmax.forward(scores, mask), false, v, false);
        return Views.permute(out, 0, 2, 1, 3).reshape(b, lq, h * hd);
    }
}
