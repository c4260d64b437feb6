package dev.jclip.nn;

import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.op.Attention;
import dev.jclip.op.Linear;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

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

    /**
     * {@code residual + attn(x)} for {@code x} [B, L, D] attending to itself; {@code mask}
     * [L, L] is added to the scores (null for none). The residual (null for none) is added
     * by the output projection as it writes, saving a pass over the activations.
     */
    public Tensor forward(Tensor x, Tensor mask, Tensor residual) {
        Tensor qkv = Linear.forward(x, inProjWeight, inProjBias);   // [B, L, 3D]: q, k, v side by side
        return Linear.forward(Attention.forward(qkv, heads, mask), outProjWeight, outProjBias, residual);
    }

    /**
     * {@code residual + attn(x)} at one token per sequence ({@code at[b]} of sequence b), its
     * query attending to every token of {@code x} [B, L, D]: [B, D], the rows of {@link #forward}
     * at those tokens, with {@code residual} [B, D] (or null) added.
     */
    public Tensor forwardAt(Tensor x, Tensor mask, int[] at, Tensor residual) {
        ResidualAttentionBlock.checkPositions(x, at);
        Tensor qkv = Tensor.needsGrad(x, inProjWeight, inProjBias) ? Linear.forward(x, inProjWeight, inProjBias)
                : keysValuesAndQueriesAt(x, at);
        return Linear.forward(Attention.forwardAt(qkv, heads, mask, at), outProjWeight, outProjBias, residual);
    }

    /**
     * Inference: the packed projection [B, L, 3D] with keys and values of every token but queries
     * only at the wanted tokens (zeros elsewhere), which is all {@link Attention#forwardAt} reads.
     * Each value is computed as the full projection computes it, so the output has the same bits.
     */
    private Tensor keysValuesAndQueriesAt(Tensor x, int[] at) {
        int b = x.dim(0), l = x.dim(1), d = x.dim(2);
        float[] xs = x.data(), bias = inProjBias.data(), qkv = new float[Tensor.checkedNumel(b, l, 3 * d)];
        // k and v: rows D..3D of the packed weight, written to columns D..3D of every token.
        Gemm.sgemm(false, true, b * l, 2 * d, d, xs, 0, d, inProjWeight.storage(), d * d, d, qkv, d, 3 * d, false,
                Epilogue.bias(Arrays.copyOfRange(bias, d, 3 * d)));
        float[] rows = new float[b * d], q = new float[b * d];
        for (int i = 0; i < b; i++) {
            System.arraycopy(xs, (i * l + at[i]) * d, rows, i * d, d);
        }
        Gemm.sgemm(false, true, b, d, d, rows, 0, d, inProjWeight.storage(), 0, d, q, 0, d, false, Epilogue.bias(bias));
        for (int i = 0; i < b; i++) {
            System.arraycopy(q, i * d, qkv, (i * l + at[i]) * 3 * d, d);
        }
        return Tensor.of(qkv, b, l, 3 * d);
    }
}
