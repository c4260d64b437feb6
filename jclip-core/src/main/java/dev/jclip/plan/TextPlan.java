package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.nn.StateDict;
import dev.jclip.nn.TextTransformer;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * A {@link TextTransformer} for inference: with the causal mask only the positions up to the
 * batch's last pooled token are computed, and the last block only at the pooled tokens.
 */
final class TextPlan {
    private final TextTransformer text;
    private final float lnEps;
    private final Tensor tokenEmbedding, positionalEmbedding, lnFinalWeight, lnFinalBias, textProjection;
    private final TransformerPlan transformer;

    TextPlan(TextTransformer text) {
        this.text = text;
        StateDict sd = text.stateDict();
        lnEps = text.blockConfig().lnEps();
        tokenEmbedding = need(sd, "token_embedding.weight");
        positionalEmbedding = need(sd, "positional_embedding");
        lnFinalWeight = need(sd, "ln_final.weight");
        lnFinalBias = need(sd, "ln_final.bias");
        textProjection = need(sd, "text_projection");
        transformer = new TransformerPlan(sd, "transformer.", text.layers(), text.blockConfig());
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major. */
    Tensor encode(int[] tokens) {
        int[] at = text.pooledPositions(tokens);
        int b = at.length, context = text.contextLength(), n = context;
        if (text.causal()) {
            // A position sees only those before it: nothing after the last pooled token can reach a feature.
            n = 1;
            for (int p : at) {
                n = Math.max(n, p + 1);
            }
        }
        int[] ids = new int[b * n];
        for (int i = 0; i < b; i++) {
            System.arraycopy(tokens, i * context, ids, i * n, n);
        }
        Tensor x = Embedding.forward(tokenEmbedding, ids, b, n);
        x = Elementwise.add(x, Views.slice(positionalEmbedding, 0, 0, n));
        x = transformer.forwardAt(x, text.causal() ? Softmax.causalMask(n) : null, at);
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, lnEps);
        return MatMul.matmul(x, false, textProjection, false);
    }
}
