package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.Gather;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's text tower: token and positional embeddings, a causally masked
 * {@link Transformer}, {@code ln_final}, and the features of each sequence's
 * end-of-text token (its largest id) projected by {@code text_projection}.
 * Its names sit at the top of CLIP's state dict ({@code token_embedding.weight},
 * {@code transformer.resblocks.0...}, {@code ln_final.weight}, {@code text_projection}).
 */
public final class TextTransformer extends Module {
    private final int contextLength, vocabSize, width, heads;
    private final Tensor tokenEmbedding, positionalEmbedding, lnFinalWeight, lnFinalBias, textProjection;
    private final Transformer transformer;
    private final Tensor causalMask;

    public TextTransformer(int contextLength, int vocabSize, int width, int heads, int layers, int outputDim) {
        this.contextLength = contextLength;
        this.vocabSize = vocabSize;
        this.width = width;
        this.heads = heads;
        transformer = child("transformer", new Transformer(width, layers, heads));
        tokenEmbedding = parameter("token_embedding.weight", vocabSize, width);
        positionalEmbedding = parameter("positional_embedding", contextLength, width);
        lnFinalWeight = parameter("ln_final.weight", width);
        lnFinalBias = parameter("ln_final.bias", width);
        textProjection = parameter("text_projection", width, outputDim);
        causalMask = Softmax.causalMask(contextLength);
    }

    public int contextLength() {
        return contextLength;
    }

    public int heads() {
        return heads;
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major. */
    public Tensor forward(int[] tokens) {
        if (tokens.length == 0 || tokens.length % contextLength != 0) {
            throw new IllegalArgumentException("token ids must be [B, " + contextLength + "]; got " + tokens.length + " ids");
        }
        int b = tokens.length / contextLength;
        int[] eot = new int[b];
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 0; j < contextLength; j++) {
                int id = tokens[i * contextLength + j];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at [" + i + ", " + j
                            + "] is outside the vocabulary [0, " + vocabSize + ")");
                }
                if (id > tokens[i * contextLength + best]) {
                    best = j;   // first position of the largest id, as torch.argmax
                }
            }
            eot[i] = i * contextLength + best;
        }
        Tensor x = Embedding.forward(tokenEmbedding, tokens, b, contextLength);
        x = Elementwise.add(x, positionalEmbedding);
        x = transformer.forward(x, causalMask);
        // LayerNorm acts per token, so normalizing only the pooled tokens gives the same values.
        x = Gather.rows(x.reshape(b * contextLength, width), eot);
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, ResidualAttentionBlock.LN_EPS);
        return MatMul.matmul(x, false, textProjection, false);
    }
}
