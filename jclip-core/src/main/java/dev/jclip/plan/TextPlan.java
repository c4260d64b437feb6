package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.nn.StateDict;
import dev.jclip.nn.TextTransformer;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.Tensor;

/**
 * A {@link TextTransformer} for inference: with the causal mask each text runs on its positions
 * up to its pooled token only, the texts laid end to end without their padding, and the last
 * block only at the pooled tokens.
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
        int b = at.length, context = text.contextLength();
        // A position sees only those before it under the causal mask: nothing after a row's pooled
        // token can reach its feature, so each row runs on its first at + 1 positions, the rows laid
        // end to end without their padding.
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = text.causal() ? at[i] + 1 : context;
        }
        Sequences seqs = Sequences.ofLengths(lengths);
        int[] ids = new int[seqs.rows()], positions = new int[seqs.rows()];
        for (int i = 0; i < b; i++) {
            System.arraycopy(tokens, i * context, ids, seqs.start(i), lengths[i]);
            for (int j = 0; j < lengths[i]; j++) {
                positions[seqs.start(i) + j] = j;
            }
        }
        Tensor x = Elementwise.add(Embedding.forward(tokenEmbedding, ids, ids.length),
                Embedding.forward(positionalEmbedding, positions, positions.length));
        x = transformer.forwardAt(x, seqs, text.causal() ? Softmax.causalMask(seqs.maxLength()) : null, at);
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, lnEps);
        return MatMul.matmul(x, false, textProjection, false);
    }
}
