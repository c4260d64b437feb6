package dev.jclip.nn;

import dev.jclip.kernel.Gemm;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Reduce;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;

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

    /** {@code x} [B, C, H, W] -> [B, outputDim]. */
    public Tensor forward(Tensor x) {
        return pool(Views.transpose(x.reshape(x.dim(0), x.dim(1), -1), 1, 2));
    }

    /** {@code tokens} [B, HW, C] (the grid channels-last, flattened) -> [B, outputDim]. */
    private Tensor pool(Tensor tokens) {
        Tensor x = tokens;
        int b = x.dim(0), c = x.dim(2);
        Tensor mean = Reduce.mean(x, 1).reshape(b, 1, c);
        x = Elementwise.add(Views.concat(1, mean, x), positionalEmbedding);  // [B, HW+1, C]
        Tensor q = splitHeads(Linear.forward(Views.slice(x, 1, 0, 1), qWeight, qBias), heads);
        Tensor k = splitHeads(Linear.forward(x, kWeight, kBias), heads);
        Tensor v = splitHeads(Linear.forward(x, vWeight, vBias), heads);
        Tensor out = Linear.forward(attend(q, k, v, null), cWeight, cBias);  // [B, 1, out]
        return out.reshape(b, -1);
    }

    /**
     * {@link #pool} for inference (no gradients), rearranged so that no token's key or value is
     * ever projected. Each score is {@code q_h · (W_k,h x_t + b_k,h)}: the query is mapped back
     * through {@code k_proj} once, {@code u_h = W_k,hᵀ q_h}, and the score is {@code u_h · x_t}
     * ({@code q_h · b_k,h} is the same for every token of a head, which softmax ignores). The
     * weights {@code p_t} sum to 1, so the head's output {@code Σ_t p_t (W_v,h x_t + b_v,h)} is
     * {@code W_v,h (Σ_t p_t x_t) + b_v,h}. For CLIP's 7×7 grid that is about 25 times fewer
     * multiply-adds; the values are the same up to rounding.
     */
    Tensor infer(Tensor tokens) {
        int b = tokens.dim(0), c = tokens.dim(2), l = tokens.dim(1) + 1, hd = c / heads;
        Tensor mean = Reduce.mean(tokens, 1).reshape(b, 1, c);
        float[] x = Elementwise.add(Views.concat(1, mean, tokens), positionalEmbedding).data();  // [B, L, C]
        float[] q = Elementwise.scale(Linear.forward(Views.slice(Tensor.of(x, b, l, c), 1, 0, 1), qWeight, qBias),
                (float) (1.0 / Math.sqrt(hd))).data();                                          // [B, 1, C]
        MemorySegment wk = kWeight.storage();   // mapped weights are read in place
        MemorySegment wv = vWeight.storage();
        float[] u = new float[b * heads * c], z = new float[b * heads * c], out = new float[b * c];
        for (int h = 0; h < heads; h++) {
            // u[·, h, :] [B × C] = q[·, h] [B × hd] · W_k rows of head h [hd × C]
            Gemm.sgemm(false, false, b, c, hd, q, h * hd, c, wk, h * hd * c, c, u, h * c, heads * c, false, null);
        }
        float[] scores = new float[b * heads * l];
        // Per image: scores [H × L] = u [H × C] · xᵀ, then weights p; z [H × C] = p · x [L × C].
        Gemm.sgemmBatched(false, true, b, heads, l, c, u, 0, c, heads * c, x, 0, c, l * c, scores, 0, l, heads * l, false);
        float[] p = Softmax.forward(Tensor.of(scores, b, heads, l), null).data();
        Gemm.sgemmBatched(false, false, b, heads, c, l, p, 0, l, heads * l, x, 0, c, l * c, z, 0, c, heads * c, false);
        for (int h = 0; h < heads; h++) {
            // out[·, head h] [B × hd] = z[·, h, :] [B × C] · (W_v rows of head h)ᵀ
            Gemm.sgemm(false, true, b, hd, c, z, h * c, heads * c, wv, h * hd * c, c, out, h * hd, c, false, null);
        }
        Tensor attended = Elementwise.add(Tensor.of(out, b, c), vBias);
        return Linear.forward(attended, cWeight, cBias);
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
