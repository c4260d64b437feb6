package dev.jclip.nn;

import dev.jclip.kernel.Gelu;
import dev.jclip.op.Gather;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * A pre-norm transformer block: {@code x + attn(ln_1(x))}, then
 * {@code x + c_proj(QuickGELU(c_fc(ln_2(x))))} with a 4x wide MLP.
 */
public final class ResidualAttentionBlock extends Module {
    /** LayerNorm epsilon of CLIP (PyTorch's default). */
    static final float LN_EPS = 1e-5f;

    private final MultiheadAttention attn;
    private final Tensor ln1Weight, ln1Bias, ln2Weight, ln2Bias;
    private final Tensor fcWeight, fcBias, projWeight, projBias;

    /** A block of {@code width} channels with {@code heads} attention heads. */
    public ResidualAttentionBlock(int width, int heads) {
        attn = child("attn", new MultiheadAttention(width, heads));
        ln1Weight = parameter("ln_1.weight", width);
        ln1Bias = parameter("ln_1.bias", width);
        fcWeight = parameter("mlp.c_fc.weight", 4 * width, width);
        fcBias = parameter("mlp.c_fc.bias", 4 * width);
        projWeight = parameter("mlp.c_proj.weight", width, 4 * width);
        projBias = parameter("mlp.c_proj.bias", width);
        ln2Weight = parameter("ln_2.weight", width);
        ln2Bias = parameter("ln_2.bias", width);
    }

    /** {@code x} [B, L, D]; {@code mask} [L, L] or null. The residual adds happen inside the projections. */
    public Tensor forward(Tensor x, Tensor mask) {
        x = attn.forward(LayerNorm.forward(x, ln1Weight, ln1Bias, LN_EPS), mask, x);
        Tensor h = Linear.forwardGelu(LayerNorm.forward(x, ln2Weight, ln2Bias, LN_EPS), fcWeight, fcBias, Gelu.QUICK);
        return Linear.forward(h, projWeight, projBias, x);
    }

    /**
     * The block's output at one token per sequence, {@code at[b]} of sequence b of {@code x}
     * [B, L, D]: [B, D], the same bits as those rows of {@link #forward}. Keys and values come
     * from every token; attention, output projection and MLP run on the wanted rows alone (and,
     * without gradients, the query projection too), which is all a pooled feature needs from the
     * last block: three quarters of its work saved, five sixths in inference.
     */
    public Tensor forwardAt(Tensor x, Tensor mask, int[] at) {
        checkPositions(x, at);
        Tensor y = attn.forwardAt(LayerNorm.forward(x, ln1Weight, ln1Bias, LN_EPS), mask, at, tokensAt(x, at));
        Tensor h = Linear.forwardGelu(LayerNorm.forward(y, ln2Weight, ln2Bias, LN_EPS), fcWeight, fcBias, Gelu.QUICK);
        return Linear.forward(h, projWeight, projBias, y);
    }

    /** Checks that {@code at} holds one position in [0, L) for each sequence of {@code x} [B, L, D]. */
    static void checkPositions(Tensor x, int[] at) {
        if (x.rank() != 3 || at.length != x.dim(0)) {
            throw new IllegalArgumentException(at.length + " positions for tokens " + Arrays.toString(x.shape())
                    + ": need [B, L, D] and one position per sequence");
        }
        for (int p : at) {
            if (p < 0 || p >= x.dim(1)) {
                throw new IllegalArgumentException("position " + p + " outside [0, " + x.dim(1) + ")");
            }
        }
    }

    /** Token {@code at[b]} of each sequence b of {@code x} [B, L, D], with its gradient path: [B, D]. */
    static Tensor tokensAt(Tensor x, int[] at) {
        int b = x.dim(0), l = x.dim(1);
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            rows[i] = i * l + at[i];
        }
        return Gather.rows(x.reshape(b * l, x.dim(2)), rows);
    }
}
