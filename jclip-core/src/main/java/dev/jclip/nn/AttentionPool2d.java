package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Reduce;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * The ResNet's attention pooling: the mean of the spatial tokens goes in front, a positional
 * embedding is added, and that mean token alone queries all tokens through separate
 * {@code q_proj}, {@code k_proj}, {@code v_proj}; {@code c_proj} maps the result to the embedding.
 *
 * <p>With a single query the products are rearranged so that no token's key or value is
 * projected. Head h's score of token t is {@code q_h · (W_k,h x_t + b_k,h)}: the query is mapped
 * back through {@code k_proj} once, {@code u_h = q_h W_k,h}, and the score is {@code u_h · x_t};
 * {@code q_h · b_k,h} is the same for every token of a head, which softmax ignores (so
 * {@code k_proj.bias} is loaded but has no effect, and its gradient is exactly zero, as in
 * PyTorch up to rounding). The weights {@code p_t} sum to 1, so the head's output
 * {@code Σ_t p_t (W_v,h x_t + b_v,h)} is {@code W_v,h (Σ_t p_t x_t) + b_v,h}. The function is
 * open_clip's; for CLIP's 7×7 grid it takes about 25 times fewer multiply-adds.
 */
public final class AttentionPool2d extends Module {
    private final int heads;
    private final Tensor positionalEmbedding;
    private final Tensor qWeight, qBias, kWeight, vWeight, vBias, cWeight, cBias;

    /** A pool over a {@code spacialDim}² grid of {@code embedDim} channels, projected to {@code outputDim}. */
    public AttentionPool2d(int spacialDim, int embedDim, int heads, int outputDim) {
        if (heads <= 0 || embedDim % heads != 0) {
            throw new IllegalArgumentException("attention pool width " + embedDim + " is not divisible into " + heads + " heads");
        }
        this.heads = heads;
        positionalEmbedding = parameter("positional_embedding", spacialDim * spacialDim + 1, embedDim);
        kWeight = parameter("k_proj.weight", embedDim, embedDim);
        parameter("k_proj.bias", embedDim);   // a published weight that softmax ignores (see above)
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
        int b = x.dim(0), c = x.dim(2), hd = c / heads;
        Tensor mean = Reduce.mean(x, 1).reshape(b, 1, c);
        x = Elementwise.add(Views.concat(1, mean, x), positionalEmbedding);  // [B, L, C], L = HW+1
        // The mean token's query, scaled before the product as PyTorch scales it, by head: [H, B, hd].
        Tensor q = Elementwise.scale(Linear.forward(Views.slice(x, 1, 0, 1), qWeight, qBias), (float) (1.0 / Math.sqrt(hd)));
        q = Views.permute(q.reshape(b, heads, hd), 1, 0, 2);
        Tensor u = Views.permute(MatMul.matmul(q, false, kWeight.reshape(heads, hd, c), false), 1, 0, 2);   // [B, H, C]
        Tensor p = Softmax.forward(MatMul.matmul(u, false, x, true), null);                               // [B, H, L]
        Tensor z = Views.permute(MatMul.matmul(p, false, x, false), 1, 0, 2);                             // [H, B, C]
        Tensor o = MatMul.matmul(z, false, vWeight.reshape(heads, hd, c), true);                          // [H, B, hd]
        Tensor attended = Elementwise.add(Views.permute(o, 1, 0, 2).reshape(b, c), vBias);
        return Linear.forward(attended, cWeight, cBias);
    }
}
