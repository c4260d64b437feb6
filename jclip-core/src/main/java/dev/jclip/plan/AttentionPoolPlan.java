package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.nn.AttentionPool2d;
import dev.jclip.nn.StateDict;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Linear;
import dev.jclip.op.Reduce;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * {@link AttentionPool2d} for inference, rearranged so that no token's key or value is ever
 * projected. Each score is {@code q_h · (W_k,h x_t + b_k,h)}: the query is mapped back through
 * {@code k_proj} once, {@code u_h = W_k,hᵀ q_h}, and the score is {@code u_h · x_t}
 * ({@code q_h · b_k,h} is the same for every token of a head, which softmax ignores). The weights
 * {@code p_t} sum to 1, so the head's output {@code Σ_t p_t (W_v,h x_t + b_v,h)} is
 * {@code W_v,h (Σ_t p_t x_t) + b_v,h}. For CLIP's 7×7 grid that is about 25 times fewer
 * multiply-adds; the values are the model's up to rounding (not its bits).
 */
final class AttentionPoolPlan {
    private final int heads;
    private final Tensor positionalEmbedding, qWeight, qBias, kWeight, vWeight, vBias, cWeight, cBias;

    /** The pool named {@code prefix + "q_proj.weight"} and so on in {@code sd}, of {@code heads} heads. */
    AttentionPoolPlan(StateDict sd, String prefix, int heads) {
        this.heads = heads;
        positionalEmbedding = need(sd, prefix + "positional_embedding");
        qWeight = need(sd, prefix + "q_proj.weight");
        qBias = need(sd, prefix + "q_proj.bias");
        kWeight = need(sd, prefix + "k_proj.weight");
        vWeight = need(sd, prefix + "v_proj.weight");
        vBias = need(sd, prefix + "v_proj.bias");
        cWeight = need(sd, prefix + "c_proj.weight");
        cBias = need(sd, prefix + "c_proj.bias");
    }

    /** {@code tokens} [B, HW, C] (the grid channels-last, flattened) -> [B, outputDim]. */
    Tensor pool(Tensor tokens) {
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
            Gemm.sgemm(b, c, hd, Operand.of(q, h * hd, c), Operand.of(wk, h * hd * c, c), u, h * c, heads * c, false, null);
        }
        float[] scores = new float[b * heads * l];
        // Per image: scores [H × L] = u [H × C] · xᵀ, then weights p; z [H × C] = p · x [L × C].
        Gemm.sgemmBatched(false, true, b, heads, l, c, u, 0, c, heads * c, x, 0, c, l * c, scores, 0, l, heads * l, false);
        float[] p = Softmax.forward(Tensor.of(scores, b, heads, l), null).data();
        Gemm.sgemmBatched(false, false, b, heads, c, l, p, 0, l, heads * l, x, 0, c, l * c, z, 0, c, heads * c, false);
        for (int h = 0; h < heads; h++) {
            // out[·, head h] [B × hd] = z[·, h, :] [B × C] · (W_v rows of head h)ᵀ
            Gemm.sgemm(b, hd, c, Operand.of(z, h * c, heads * c), Operand.of(wv, h * hd * c, c).t(), out, h * hd, c, false, null);
        }
        Tensor attended = Elementwise.add(Tensor.of(out, b, c), vBias);
        return Linear.forward(attended, cWeight, cBias);
    }
}
