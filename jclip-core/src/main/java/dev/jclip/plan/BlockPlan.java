package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Rows;
import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.ResidualAttentionBlock;
import dev.jclip.nn.StateDict;
import dev.jclip.op.Attention;
import dev.jclip.op.Elementwise;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * A {@link ResidualAttentionBlock} for inference: without LayerScale the residual adds happen as
 * the output projections write, and the GELU as the MLP's first product writes; the same bits as
 * the block's forward. Attention skips the keys a causal mask hides ({@link SelfAttention}).
 * {@link #forwardAt} computes one token per sequence.
 */
final class BlockPlan {
    private final int heads;
    private final Gelu act;
    private final float lnEps;
    private final Tensor ln1Weight, ln1Bias, inProjBias, outProjBias, ln2Weight, ln2Bias, fcBias, projBias, ls1Gamma, ls2Gamma;
    private final LinearWeight inProjWeight, outProjWeight, fcWeight, projWeight;

    /** The block whose tensors are named {@code prefix + "ln_1.weight"} and so on in {@code sd}. */
    BlockPlan(StateDict sd, String prefix, BlockConfig config) {
        heads = config.heads();
        act = config.act();
        lnEps = config.lnEps();
        ln1Weight = need(sd, prefix + "ln_1.weight");
        ln1Bias = need(sd, prefix + "ln_1.bias");
        inProjWeight = new LinearWeight(need(sd, prefix + "attn.in_proj_weight"));
        inProjBias = need(sd, prefix + "attn.in_proj_bias");
        outProjWeight = new LinearWeight(need(sd, prefix + "attn.out_proj.weight"));
        outProjBias = need(sd, prefix + "attn.out_proj.bias");
        ln2Weight = need(sd, prefix + "ln_2.weight");
        ln2Bias = need(sd, prefix + "ln_2.bias");
        fcWeight = new LinearWeight(need(sd, prefix + "mlp.c_fc.weight"));
        fcBias = need(sd, prefix + "mlp.c_fc.bias");
        projWeight = new LinearWeight(need(sd, prefix + "mlp.c_proj.weight"));
        projBias = need(sd, prefix + "mlp.c_proj.bias");
        ls1Gamma = config.hasLayerScale() ? need(sd, prefix + "ls_1.gamma") : null;
        ls2Gamma = config.hasLayerScale() ? need(sd, prefix + "ls_2.gamma") : null;
    }

    /**
     * The sequences {@code seqs} laid end to end in {@code x} [N, D], each attending to itself;
     * {@code mask} [M, M] or null, each sequence taking its top-left block. The activations are
     * taken from, and all but the output given back to, {@code buffers}: {@code x} itself is left alone.
     */
    Tensor forward(Tensor x, Sequences seqs, Tensor mask, Buffers buffers) {
        Tensor normed = layerNorm(x, ln1Weight, ln1Bias, buffers);
        Tensor qkv = Projection.forward(normed, inProjWeight, inProjBias, null, null, buffers);
        buffers.give(normed);
        Tensor attended = SelfAttention.forward(qkv, heads, mask, seqs, buffers);
        buffers.give(qkv);
        Tensor y = residual(x, ls1Gamma, attended, outProjWeight, outProjBias, buffers);
        buffers.give(attended);
        Tensor out = mlp(y, buffers);
        buffers.give(y);
        return out;
    }

    /**
     * The block's output at one token per sequence, {@code at[s]} of sequence s of the sequences
     * {@code seqs} laid end to end in {@code x} [N, D]: [S, D], the same bits as those rows of
     * {@link #forward}. Keys and values come from every token; the query, attention, output
     * projection and MLP run on the wanted rows alone, which is all a pooled feature needs from
     * the last block: five sixths of its work saved. The activations of every token are taken
     * from, and given back to, {@code buffers}.
     */
    Tensor forwardAt(Tensor x, Sequences seqs, Tensor mask, int[] at, Buffers buffers) {
        Tensor normed = layerNorm(x, ln1Weight, ln1Bias, buffers);
        Tensor qkv = keysValuesAndQueriesAt(normed, seqs, at, buffers);
        buffers.give(normed);
        Tensor attended = Attention.forwardAt(qkv, heads, mask, seqs, at);
        buffers.give(qkv);
        return mlp(residual(tokensAt(x, seqs, at), ls1Gamma, attended, outProjWeight, outProjBias, null), null);
    }

    /** {@code x + ls_2(c_proj(act(c_fc(ln_2(x)))))}, its intermediates from {@code buffers} (new arrays when null). */
    private Tensor mlp(Tensor x, Buffers buffers) {
        Tensor normed = layerNorm(x, ln2Weight, ln2Bias, buffers);
        Tensor h = Projection.forward(normed, fcWeight, fcBias, act, null, buffers);
        give(buffers, normed);
        Tensor out = residual(x, ls2Gamma, h, projWeight, projBias, buffers);
        give(buffers, h);
        return out;
    }

    /** {@code x + ls(y·Wᵀ + b)}; without LayerScale the product adds {@code x} as it writes. */
    private static Tensor residual(Tensor x, Tensor gamma, Tensor y, LinearWeight weight, Tensor bias, Buffers buffers) {
        return gamma == null ? Projection.forward(y, weight, bias, null, x, buffers)
                : Elementwise.add(x, Elementwise.mul(Projection.forward(y, weight, bias, null, null, null), gamma));
    }

    private static void give(Buffers buffers, Tensor t) {
        if (buffers != null) {
            buffers.give(t);
        }
    }

    /**
     * {@link LayerNorm#forward}'s rows (the same kernel, so the same bits) into an array from
     * {@code buffers} (a new one when null).
     */
    private Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, Buffers buffers) {
        int d = x.dim(-1), rows = x.numel() / d;
        float[] src = x.data(), w = weight.data(), b = bias.data(), stats = new float[2 * rows];
        float[] out = buffers == null ? new float[x.numel()] : buffers.take(x.numel());
        Parallel.forRows(rows, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                Rows.layerNorm(src, r * d, d, w, b, lnEps, out, r * d, stats, r);
            }
        });
        return Tensor.of(out, x.shape());
    }

    /**
     * The packed projection [N, 3D], in an array from {@code buffers}, with keys and values of every
     * token but queries only at the wanted tokens (whatever the array held elsewhere), which is all
     * {@link Attention#forwardAt} reads. Each value is computed as the full projection computes it,
     * so the output has the same bits.
     */
    private Tensor keysValuesAndQueriesAt(Tensor x, Sequences seqs, int[] at, Buffers buffers) {
        int n = x.dim(0), d = x.dim(1), b = at.length;
        float[] xs = x.data(), bias = inProjBias.data(), qkv = buffers.take(Tensor.checkedNumel(n, 3 * d));
        // k and v: rows D..3D of the packed weight, written to columns D..3D of every token.
        Gemm.sgemm(n, 2 * d, d, Operand.of(xs, 0, d), Linear.stored(inProjWeight.tensor(), d * d, d).t(),
                qkv, d, 3 * d, false, Epilogue.bias(Arrays.copyOfRange(bias, d, 3 * d)));
        float[] q = new float[b * d];
        Gemm.sgemm(b, d, d, Operand.of(tokensAt(x, seqs, at).data(), 0, d), Linear.stored(inProjWeight.tensor(), 0, d).t(),
                q, 0, d, false, Epilogue.bias(bias));
        for (int i = 0; i < b; i++) {
            System.arraycopy(q, i * d, qkv, (seqs.start(i) + at[i]) * 3 * d, d);
        }
        return Tensor.of(qkv, n, 3 * d);
    }

    /** Token {@code at[s]} of each sequence s of {@code seqs} laid end to end in {@code x} [N, D]: [S, D]. */
    static Tensor tokensAt(Tensor x, Sequences seqs, int[] at) {
        int d = x.dim(1);
        if (at.length != seqs.count()) {
            throw new IllegalArgumentException(at.length + " positions for " + seqs.count() + " sequences");
        }
        float[] xs = x.data(), rows = new float[Tensor.checkedNumel(at.length, d)];
        for (int i = 0; i < at.length; i++) {
            if (at[i] < 0 || at[i] >= seqs.length(i)) {
                throw new IllegalArgumentException("position " + at[i] + " outside [0, " + seqs.length(i) + ")");
            }
            System.arraycopy(xs, (seqs.start(i) + at[i]) * d, rows, i * d, d);
        }
        return Tensor.of(rows, at.length, d);
    }
}
