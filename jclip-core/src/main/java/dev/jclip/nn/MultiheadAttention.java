package dev.jclip.nn;

import dev.jclip.op.Attention;
import dev.jclip.op.Linear;
import dev.jclip.tensor.Tensor;

/**
 * Self-attention as {@code torch.nn.MultiheadAttention} with one packed input
 * projection ({@code in_proj_weight} [3D, D] holding q, k, v) and {@code out_proj}.
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

    /** {@code attn(x)} for {@code x} [B, L, D] attending to itself; {@code mask} [L, L] is added to the scores (null for none). */
    public Tensor forward(Tensor x, Tensor mask) {
        Tensor qkv = Linear.forward(x, inProjWeight, inProjBias);   // [B, L, 3D]: q, k, v side by side
        return Linear.forward(Attention.forward(qkv, heads, mask), outProjWeight, outProjBias);
    }

    /**
     * {@link #forward} at one token per sequence, {@code at[b]} of sequence b: [B, D]. Every token
     * gives keys and values; only the wanted ones attend.
     */
    public Tensor forwardAt(Tensor x, Tensor mask, int[] at) {
        Tensor qkv = Linear.forward(x, inProjWeight, inProjBias);
        return Linear.forward(Attention.forwardAt(qkv, heads, mask, at), outProjWeight, outProjBias);
    }
}
