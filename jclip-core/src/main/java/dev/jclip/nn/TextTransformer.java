package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's text tower: token and positional embeddings, a causally masked
 * {@link Transformer}, {@code ln_final}, and the features of each sequence's
 * end-of-text token (its largest id) projected by {@code text_projection}.
 * Only the positions up to the batch's last end-of-text token are computed, and
 * the last block only at the end tokens.
 * Its names sit at the top of CLIP's state dict ({@code token_embedding.weight},
 * {@code transformer.resblocks.0...}, {@code ln_final.weight}, {@code text_projection}).
 */
public final class TextTransformer extends Module {
    private final int contextLength, vocabSize, width, heads;
    private final Tensor tokenEmbedding, positionalEmbedding, lnFinalWeight, lnFinalBias, textProjection;
    private final Transformer transformer;

    /** The text tower: {@code layers} blocks of {@code width}, projected to {@code outputDim}. */
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
    }

    /** Tokens per text, padding included. */
    public int contextLength() {
        return contextLength;
    }

    /** Attention heads per block. */
    public int heads() {
        return heads;
    }

    /** Width of the hidden states (per token). */
    public int width() {
        return width;
    }

    /** Number of transformer blocks. */
    public int layers() {
        return transformer.layers();
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major. */
    public Tensor forward(int[] tokens) {
        int b = batchOf(tokens);
        int[] end = endPositions(tokens, b);
        int n = 1;
        for (int e : end) {
            n = Math.max(n, e + 1);
        }
        // The mask is causal: a position sees only those before it, so nothing after the last
        // end token of the batch (padding) can reach a pooled feature. The transformer runs on
        // the first n positions only, which gives the same features for a fraction of the work.
        // Likewise only the end tokens' outputs are used, so the last block computes those
        // alone, and LayerNorm (per token) normalizes only them.
        int[] ids = new int[b * n];
        for (int i = 0; i < b; i++) {
            System.arraycopy(tokens, i * contextLength, ids, i * n, n);
        }
        Tensor x = Embedding.forward(tokenEmbedding, ids, b, n);
        x = Elementwise.add(x, Views.slice(positionalEmbedding, 0, 0, n));
        x = transformer.forwardAt(x, Softmax.causalMask(n), end);
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, ResidualAttentionBlock.LN_EPS);
        return MatMul.matmul(x, false, textProjection, false);
    }

    /**
     * Per-token hidden states [B, contextLength, width] of token ids [B, contextLength], as a
     * conditioning encoder gives them (Stable Diffusion): {@code layer} counts as Hugging Face's
     * {@code hidden_states} (0 the embeddings, {@code k} the output of block {@code k}, -1 the last
     * block, -2 the penultimate); {@code lnFinal} applies {@code ln_final} to every token
     * ({@code layer = -1} with it is {@code last_hidden_state}). Every position is computed,
     * padding included.
     */
    public Tensor hiddenStates(int[] tokens, int layer, boolean lnFinal) {
        int blocks = transformer.blocksFor(layer);
        int b = batchOf(tokens);
        endPositions(tokens, b);   // checks every id
        Tensor x = Embedding.forward(tokenEmbedding, tokens, b, contextLength);
        x = Elementwise.add(x, positionalEmbedding);
        x = transformer.forward(x, Softmax.causalMask(contextLength), blocks);
        return lnFinal ? LayerNorm.forward(x, lnFinalWeight, lnFinalBias, ResidualAttentionBlock.LN_EPS) : x;
    }

    private int batchOf(int[] tokens) {
        if (tokens.length == 0 || tokens.length % contextLength != 0) {
            throw new IllegalArgumentException("token ids must be [B, " + contextLength + "]; got " + tokens.length + " ids");
        }
        return tokens.length / contextLength;
    }

    /** Each row's end-of-text position (its largest id); checks every id against the vocabulary. */
    private int[] endPositions(int[] tokens, int b) {
        int[] end = new int[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < contextLength; j++) {
                int id = tokens[i * contextLength + j];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at [" + i + ", " + j
                            + "] is outside the vocabulary [0, " + vocabSize + ")");
                }
                if (id > tokens[i * contextLength + end[i]]) {
                    end[i] = j;   // first position of the largest id, as torch.argmax
                }
            }
        }
        return end;
    }
}
