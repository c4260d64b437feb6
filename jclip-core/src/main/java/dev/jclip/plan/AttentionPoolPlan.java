package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Rows;
import dev.jclip.nn.AttentionPool2d;
import dev.jclip.nn.StateDict;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Reduce;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * {@link AttentionPool2d} for inference: the same products as the model (keys and values of every
 * token, as open_clip and PyTorch compute them too), so the same bits, without splitting the heads
 * into copies. Each (image, head) pair reads its columns of q, k and v in place and writes its
 * columns of the output.
 */
final class AttentionPoolPlan {
    private final int heads;
    private final Tensor positionalEmbedding, qWeight, qBias, kWeight, kBias, vWeight, vBias, cWeight, cBias;

    /** The pool named {@code prefix + "q_proj.weight"} and so on in {@code sd}, of {@code heads} heads. */
    AttentionPoolPlan(StateDict sd, String prefix, int heads) {
        this.heads = heads;
        positionalEmbedding = need(sd, prefix + "positional_embedding");
        qWeight = need(sd, prefix + "q_proj.weight");
        qBias = need(sd, prefix + "q_proj.bias");
        kWeight = need(sd, prefix + "k_proj.weight");
        kBias = need(sd, prefix + "k_proj.bias");
        vWeight = need(sd, prefix + "v_proj.weight");
        vBias = need(sd, prefix + "v_proj.bias");
        cWeight = need(sd, prefix + "c_proj.weight");
        cBias = need(sd, prefix + "c_proj.bias");
    }

    /** {@code tokens} [B, HW, C] (the grid channels-last, flattened) -> [B, outputDim]. */
    Tensor pool(Tensor tokens) {
        int b = tokens.dim(0), c = tokens.dim(2), l = tokens.dim(1) + 1, hd = c / heads;
        Tensor mean = Reduce.mean(tokens, 1).reshape(b, 1, c);
        Tensor x = Elementwise.add(Views.concat(1, mean, tokens), positionalEmbedding);   // [B, L, C]
        // The mean token's query, scaled before the product as the model (and PyTorch) scale it.
        float[] q = Elementwise.scale(Projection.forward(Views.slice(x, 1, 0, 1), qWeight, qBias, null, null),
                (float) (1.0 / Math.sqrt(hd))).data();                                     // [B, C]
        float[] k = Projection.forward(x, kWeight, kBias, null, null).data();
        float[] v = Projection.forward(x, vWeight, vBias, null, null).data();
        float[] out = new float[Tensor.checkedNumel(b, c)];
        Parallel.forEach(b * heads, t -> {
            int col = t / heads * c + t % heads * hd, kv = t / heads * l * c + t % heads * hd;
            float[] p = new float[l];
            // scores [1×L] = q · kᵀ, their softmax p, then out[image, head columns] = p · v
            Gemm.sgemm(1, l, hd, Operand.of(q, col, c), Operand.of(k, kv, c).t(), p, 0, l, false, null);
            Rows.softmax(p, 0, l, 1f, null, 0);
            Gemm.sgemm(1, hd, l, Operand.of(p, 0, l), Operand.of(v, kv, c), out, col, c, false, null);
        });
        return Projection.forward(Tensor.of(out, b, c), cWeight, cBias, null, null);
    }
}
