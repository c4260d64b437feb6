package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;
import static dev.jclip.plan.InferencePlan.needFloat32;

import dev.jclip.nn.StateDict;
import dev.jclip.nn.TextTransformer;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.tensor.Tensor;

/**
 * A {@link TextTransformer} for inference: with the causal mask each text runs on its positions
 * up to its pooled token only, the texts laid end to end without their padding (without it, as
 * SigLIP's, every position), and the last block only at the pooled tokens.
 */
final class TextPlan {
    private final TextTransformer text;
    private final float lnEps;
    private final Tensor tokenEmbedding, positionalEmbedding, lnFinalWeight, lnFinalBias, textProjection, projBias;
    private final TransformerPlan transformer;

    TextPlan(TextTransformer text) {
        this.text = text;
        StateDict sd = text.stateDict();
        lnEps = text.blockConfig().lnEps();
        tokenEmbedding = need(sd, "token_embedding.weight");
        positionalEmbedding = needFloat32(sd, "positional_embedding");
        lnFinalWeight = need(sd, "ln_final.weight");
        lnFinalBias = need(sd, "ln_final.bias");
        // SigLIP's projection is an nn.Linear with bias, run as the model runs it.
        textProjection = text.hasProjectionBias() ? need(sd, "text_projection.weight") : needFloat32(sd, "text_projection");
        projBias = text.hasProjectionBias() ? need(sd, "text_projection.bias") : null;
        transformer = new TransformerPlan(sd, "transformer.", text.layers(), text.blockConfig());
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major. */
    Tensor encode(int[] tokens) {
        TextTransformer.Packed p = text.pack(tokens);
        Tensor x = Elementwise.add(Embedding.forward(tokenEmbedding, p.ids(), p.ids().length),
                Embedding.forward(positionalEmbedding, p.positions(), p.positions().length));
        x = transformer.forwardAt(x, p.sequences(), p.mask(), p.pooled());
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, lnEps);
        return projBias != null ? Linear.forward(x, textProjection, projBias) : MatMul.matmul(x, false, textProjection, false);
    }
}
