package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * Self-attention as {@code torch.nn.MultiheadAttention} with one packed input
 * projection ({@code in_proj_weight} [3D, D] holding q, k, v) and {@code out_proj}.
 */
public final class MultiheadAttention extends Module {
    private final int width, heads;
    private final Tensor inProjWeight, inProjBias, outProjWeight, outProjBias;

    public MultiheadAttention(int width, int heads) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("attention width " + width + " is not divisible into " + heads + " heads");
        }
        this.width = width;
        this.heads = heads;
        inProjWeight = parameter("in_proj_weight", 3 * width, width);
        inProjBias = parameter("in_proj_bias", 3 * width);
        outProjWeight = parameter("out_proj.weight", width, width);
        outProjBias = parameter("out_proj.bias", width);
    }

    /** {@code x} [B, L, D] attending to itself; {@code mask} [L, L] is added to the scores (null for none). */
    public Tensor forward(Tensor x, Tensor mask) {
        int b = x.dim(0), l = x.dim(1);
        // One projection for q, k and v, then [B, L, 3, H, hd] -> [3, B, H, L, hd].
        Tensor qkv = Linear.forward(x, inProjWeight, inProjBias).reshape(b, l, 3, heads, width / heads);
        qkv = Views.permute(qkv, 2, 0, 3, 1, 4);
        Tensor a = attend(Views.select(qkv, 0, 0), Views.select(qkv, 0, 1), Views.select(qkv, 0, 2), mask);
        return Linear.forward(a, outProjWeight, outProjBias);
    }

    /** [B, L, D] -> [B, H, L, D/H]. */
    static Tensor splitHeads(Tensor x, int heads) {
        int b = x.dim(0), l = x.dim(1), d = x.dim(2);
        return Views.permute(x.reshape(b, l, heads, d / heads), 0, 2, 1, 3);
    }

    /**
     * Scaled dot-product attention of q [B, H, Lq, hd] over k, v [B, H, L, hd]:
     * {@code softmax(q·hd^-0.5 @ kᵀ + mask) @ v}, heads merged back to [B, Lq, H·hd].
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
        int b = q.dim(0), h = q.dim(1), lq = q.dim(2), hd = q.dim(3);
        // Scale q before the product, as PyTorch does, so the scores stay small.
        Tensor scores = MatMul.matmul(Elementwise.scale(q, (float) (1.0 / Math.sqrt(hd))), false, k, true);
        Tensor out = MatMul.matmul(Softmax.forward(scores, mask), false, v, false);
        return Views.permute(out, 0, 2, 1, 3).reshape(b, lq, h * hd);
    }
}
