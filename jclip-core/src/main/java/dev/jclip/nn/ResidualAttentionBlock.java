package dev.jclip.nn;

import dev.jclip.compute.Gelu;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Gather;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * A pre-norm transformer block: {@code x + ls_1(attn(ln_1(x)))}, then
 * {@code x + ls_2(c_proj(act(c_fc(ln_2(x)))))}, where {@code act} is the block's GELU and
 * {@code ls_1}, {@code ls_2} are LayerScale ({@code x · gamma}, OpenCLIP's {@code ls_init_value})
 * or absent, as in OpenAI's CLIP.
 */
public final class ResidualAttentionBlock extends Module {
    private final MultiheadAttention attn;
    private final BlockConfig config;
    private final Gelu act;
    private final float lnEps;
    private final Tensor ln1Weight, ln1Bias, ln2Weight, ln2Bias;
    private final Tensor fcWeight, fcBias, projWeight, projBias;
    private final Tensor ls1Gamma, ls2Gamma;

    /** A block of {@code width} channels shaped by {@code config}. */
    public ResidualAttentionBlock(int width, BlockConfig config) {
        attn = child("attn", new MultiheadAttention(width, config.heads()));
        this.config = config;
        act = config.act();
        lnEps = config.lnEps();
        int mlp = config.mlpWidth();
        ln1Weight = parameter("ln_1.weight", width);
        ln1Bias = parameter("ln_1.bias", width);
        ls1Gamma = config.hasLayerScale() ? parameter("ls_1.gamma", width) : null;
        fcWeight = parameter("mlp.c_fc.weight", mlp, width);
        fcBias = parameter("mlp.c_fc.bias", mlp);
        projWeight = parameter("mlp.c_proj.weight", width, mlp);
        projBias = parameter("mlp.c_proj.bias", width);
        ln2Weight = parameter("ln_2.weight", width);
        ln2Bias = parameter("ln_2.bias", width);
        ls2Gamma = config.hasLayerScale() ? parameter("ls_2.gamma", width) : null;
    }

    /** The block's heads, MLP width, LayerScale, activation and epsilon. */
    public BlockConfig config() {
        return config;
    }

    /** {@code x} [B, L, D]; {@code mask} [L, L] or null. */
    public Tensor forward(Tensor x, Tensor mask) {
        int b = x.dim(0), l = x.dim(1), d = x.dim(2);
        return forward(x.reshape(b * l, d), Sequences.uniform(b, l), mask).reshape(b, l, d);
    }

    /**
     * The sequences {@code seqs} laid end to end in {@code x} [N, D], each attending to itself;
     * {@code mask} [M, M] or null, a sequence of length L taking its top-left L×L block.
     */
    public Tensor forward(Tensor x, Sequences seqs, Tensor mask) {
        Tensor h = LayerNorm.forward(x, ln1Weight, ln1Bias, lnEps);
        Tensor y = residual(x, ls1Gamma, r -> attn.forward(h, seqs, mask, r));
        Tensor h2 = LayerNorm.forward(y, ln2Weight, ln2Bias, lnEps);
        return residual(y, ls2Gamma, r -> mlp(h2, r));
    }

    /**
     * The block's output at one token per sequence, {@code at[b]} of sequence b of {@code x}
     * [B, L, D]: [B, D], the values of those rows of {@link #forward}. Keys and values come from
     * every token; attention, the output projection and the MLP run on the wanted tokens alone,
     * which is all a pooled feature needs from the last block.
     */
    public Tensor forwardAt(Tensor x, Tensor mask, int[] at) {
        int b = x.dim(0), l = x.dim(1);
        return forwardAt(x.reshape(b * l, x.dim(2)), Sequences.uniform(b, l), mask, at);
    }

    /** {@link #forwardAt(Tensor, Tensor, int[])} for the sequences {@code seqs} laid end to end in {@code x} [N, D]. */
    public Tensor forwardAt(Tensor x, Sequences seqs, Tensor mask, int[] at) {
        Tensor h = LayerNorm.forward(x, ln1Weight, ln1Bias, lnEps);
        Tensor y = residual(tokensAt(x, seqs, at), ls1Gamma, r -> attn.forwardAt(h, seqs, mask, at, r));
        Tensor h2 = LayerNorm.forward(y, ln2Weight, ln2Bias, lnEps);
        return residual(y, ls2Gamma, r -> mlp(h2, r));
    }

    /**
     * {@code x + γ·branch}, where {@code branch} is given the residual to add as its output
     * projection writes: {@code x} itself without LayerScale (the same bits as a separate add, one
     * pass fewer), else null, and the scaled branch is added after.
     */
    private static Tensor residual(Tensor x, Tensor gamma, UnaryOperator<Tensor> branch) {
        return gamma == null ? branch.apply(x) : Elementwise.add(x, Elementwise.mul(branch.apply(null), gamma));
    }

    /** Token {@code at[s]} of each sequence s of {@code seqs} laid end to end in {@code x} [N, D]: [S, D]. */
    static Tensor tokensAt(Tensor x, Sequences seqs, int[] at) {
        if (at.length != seqs.count()) {
            throw new IllegalArgumentException(at.length + " positions for " + seqs.count() + " sequences");
        }
        int[] rows = new int[at.length];
        for (int s = 0; s < at.length; s++) {
            if (at[s] < 0 || at[s] >= seqs.length(s)) {
                throw new IllegalArgumentException("position " + at[s] + " outside [0, " + seqs.length(s) + ")");
            }
            rows[s] = seqs.start(s) + at[s];
        }
        return Gather.rows(x, rows);
    }

    /**
     * {@code residual + c_proj(act(c_fc(x)))}, the residual (null for none) added in c_proj's GEMM;
     * the activation is kept only while c_proj reads it, and backward computes it again.
     */
    private Tensor mlp(Tensor x, Tensor residual) {
        return Linear.forwardOfGelu(Linear.forward(x, fcWeight, fcBias), act, projWeight, projBias, residual);
    }
}
