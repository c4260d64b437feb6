package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;
import static dev.jclip.plan.InferencePlan.needFloat32;

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

/**
 * {@link AttentionPool2d} for inference: the model's products (the query mapped back through
 * {@code k_proj}, scores and weighted sums over the tokens, then {@code v_proj}), so the same bits,
 * without the model's copies between head-major and image-major layouts: each product reads its
 * head's or image's rows in place and writes its columns of the next one. The projections read
 * weights kept in 16 bits as they are ({@link Linear#stored}).
 */
final class AttentionPoolPlan {
    private final int heads;
    private final Tensor positionalEmbedding, qWeight, qBias, kWeight, vWeight, vBias, cWeight, cBias;

    /** The pool named {@code prefix + "q_proj.weight"} and so on in {@code sd}, of {@code heads} heads. */
    AttentionPoolPlan(StateDict sd, String prefix, int heads) {
        this.heads = heads;
        positionalEmbedding = needFloat32(sd, prefix + "positional_embedding");
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
        float[] x = Elementwise.add(Views.concat(1, mean, tokens), positionalEmbedding).data();     // [B, L, C]
        float[] q = Elementwise.scale(Projection.forward(Views.slice(Tensor.of(x, b, l, c), 1, 0, 1), qWeight, qBias, null, null),
                (float) (1.0 / Math.sqrt(hd))).data();                                             // [B, C]
        float[] u = new float[Tensor.checkedNumel(b, heads, c)], out = new float[Tensor.checkedNumel(b, c)];
        for (int h = 0; h < heads; h++) {
            // u[·, h, :] [B × C] = q[·, head h] [B × hd] · W_k rows of head h [hd × C]
            Gemm.sgemm(b, c, hd, Operand.of(q, h * hd, c), Linear.stored(kWeight, h * hd * c, c),
                    u, h * c, heads * c, false, null);
        }
        // Per image: scores [H × L] = u [H × C] · xᵀ, their softmax p, then z [H × C] = p · x [L × C].
        float[] scores = new float[Tensor.checkedNumel(b, heads, l)];
        Gemm.sgemmBatched(false, true, b, heads, l, c, u, 0, c, heads * c, x, 0, c, l * c, scores, 0, l, heads * l, false);
        float[] p = Softmax.forward(Tensor.of(scores, b, heads, l), null).data();
        float[] z = u;   // u is read for the last time above
        Gemm.sgemmBatched(false, false, b, heads, c, l, p, 0, l, heads * l, x, 0, c, l * c, z, 0, c, heads * c, false);
        for (int h = 0; h < heads; h++) {
            // out[·, head h] [B × hd] = z[·, h, :] [B × C] · (W_v rows of head h)ᵀ
            Gemm.sgemm(b, hd, c, Operand.of(z, h * c, heads * c), Linear.stored(vWeight, h * hd * c, c).t(),
                    out, h * hd, c, false, null);
        }
        return Projection.forward(Elementwise.add(Tensor.of(out, b, c), vBias), cWeight, cBias, null, null);
    }
}
