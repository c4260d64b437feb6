package dev.jclip.nn;

import dev.jclip.op.Attention;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * Attention as {@code torch.nn.MultiheadAttention} with one packed input
 * projection ({@code in_proj_weight} [3D, D] holding q, k, v) and {@code out_proj}: self-attention,
 * or queries attending to other tokens (SigLIP's pooling head).
 */
public final class MultiheadAttention extends Module {
    private final int heads;
    private final Tensor inProjWeight, inProjBias, outProjWeight, outProjBias;

    /** Attention over {@code width} channels split into {@code heads} heads. */
    public MultiheadAttention(int width, int heads) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("attention width " + width + " is not divisible into " + heads + " heads");
        }
        this.heads = heads;
        inProjWeight = parameter("in_proj_weight", 3 * width, width);
        inProjBias = parameter("in_proj_bias", 3 * width);
        outProjWeight = parameter("out_proj.weight", width, width);
        outProjBias = parameter("out_proj.bias", width);
    }

    /** Attention heads. */
    public int heads() {
        return heads;
    }

    /**
     * {@code residual + attn(x)} for the sequences {@code seqs} laid end to end in {@code x} [N, D],
     * each attending to itself; {@code mask} [M, M] (null for none) is added to the scores, a
     * sequence of length L taking its top-left L×L block, and the residual [N, D] (null for none)
     * by the output projection as it writes.
     */
    public Tensor forward(Tensor x, Sequences seqs, Tensor mask, Tensor residual) {
        Tensor qkv = Linear.forward(x, inProjWeight, inProjBias);   // [N, 3D]: q, k, v side by side
        return Linear.forward(Attention.forward(qkv, heads, mask, seqs), outProjWeight, outProjBias, residual);
    }

    /** {@code attn(query, x, x)}: queries [B, Lq, D] attending to the tokens {@code x} [B, L, D], no mask. */
    public Tensor attend(Tensor query, Tensor x) {
        int d = outProjWeight.dim(0), hd = d / heads, b = x.dim(0), lq = query.dim(1), l = x.dim(1);
        Tensor q = Linear.forward(query, Views.slice(inProjWeight, 0, 0, d), Views.slice(inProjBias, 0, 0, d));
        Tensor kv = Linear.forward(x, Views.slice(inProjWeight, 0, d, 3 * d), Views.slice(inProjBias, 0, d, 3 * d));
        q = Views.permute(q.reshape(b, lq, heads, hd), 0, 2, 1, 3);                              // [B, H, Lq, hd]
        Tensor k = Views.permute(Views.slice(kv, 2, 0, d).reshape(b, l, heads, hd), 0, 2, 1, 3);
        Tensor v = Views.permute(Views.slice(kv, 2, d, 2 * d).reshape(b, l, heads, hd), 0, 2, 1, 3);
        Tensor scores = Elementwise.scale(MatMul.matmul(q, false, k, true), (float) (1.0 / Math.sqrt(hd)));
        Tensor out = MatMul.matmul(Softmax.forward(scores, null), false, v, false);           // [B, H, Lq, hd]
        out = Views.permute(out, 0, 2, 1, 3).reshape(b, lq, d);
        return Linear.forward(out, outProjWeight, outProjBias);
    }

    /**
     * {@link #forward} at one token per sequence, {@code at[s]} of sequence s: [S, D], with the residual
     * [S, D] (null for none). Every token gives keys and values; only the wanted ones attend, so
     * only their queries are projected.
     */
    public Tensor forwardAt(Tensor x, Sequences seqs, Tensor mask, int[] at, Tensor residual) {
        int d = outProjWeight.dim(0);
        Tensor q = Linear.forwardRows(ResidualAttentionBlock.tokensAt(x, seqs, at), inProjWeight, inProjBias, 0, d);
        Tensor kv = Linear.forwardRows(x, inProjWeight, inProjBias, d, 3 * d);
        return Linear.forward(Attention.forwardAt(q, kv, heads, mask, seqs, at), outProjWeight, outProjBias, residual);
    }
}
