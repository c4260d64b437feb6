package dev.jclip.nn;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's text tower: token and positional embeddings, a {@link Transformer} (causally masked, as
 * OpenAI's, or bidirectional with OpenCLIP's {@code no_causal_mask}), {@code ln_final}, and the
 * features of one token per sequence projected by {@code text_projection}: the end-of-text token
 * (the largest id, {@link Pool#ARGMAX}, OpenAI's), the first {@code eos_id} ({@link Pool#EOS}), the
 * last position ({@link Pool#LAST}) or the first ({@link Pool#FIRST}).
 * With the causal mask each text runs on its positions up to its pooled token only, the texts
 * laid end to end ({@link Sequences}) without their padding.
 * Its names sit at the top of CLIP's state dict ({@code token_embedding.weight},
 * {@code transformer.resblocks.0...}, {@code ln_final.weight}, {@code text_projection}).
 * SigLIP's text tower is this one bidirectional, pooled at the last position, with the
 * projection an {@code nn.Linear} with bias ({@code text_projection.weight} [embed, width],
 * {@code text_projection.bias}), as OpenCLIP's {@code proj_bias}.
 */
public final class TextTransformer extends Module {
    /** Which token's state becomes the text feature: OpenCLIP's text {@code pool_type}. */
    public enum Pool {
        /** The first position of the largest id (CLIP's end-of-text token). */
        ARGMAX,
        /** The first position holding the end-of-sequence id (position 0 when there is none). */
        EOS,
        /** The last position of the context. */
        LAST,
        /** The first position. */
        FIRST
    }

    private final int contextLength, vocabSize, width;
    private final boolean causal;
    private final Pool pool;
    private final int eosId;
    private final float lnEps;
    private final Tensor tokenEmbedding, positionalEmbedding, lnFinalWeight, lnFinalBias, textProjection, projBias;
    private final Transformer transformer;

    /**
     * A text tower of {@code layers} blocks shaped by {@code blocks}, causal or not, pooling by
     * {@code pool} ({@code eosId} is the end-of-sequence id for {@link Pool#EOS}), projected to
     * {@code outputDim}.
     */
    public TextTransformer(int contextLength, int vocabSize, int width, int layers, BlockConfig blocks, boolean causal,
                           Pool pool, int eosId, int outputDim) {
        this(contextLength, vocabSize, width, layers, blocks, causal, pool, eosId, outputDim, false);
    }

    /** As the constructor above; with {@code projBias} the projection is an {@code nn.Linear} with bias (SigLIP's). */
    public TextTransformer(int contextLength, int vocabSize, int width, int layers, BlockConfig blocks, boolean causal,
                           Pool pool, int eosId, int outputDim, boolean projBias) {
        if (pool == Pool.EOS && (eosId < 0 || eosId >= vocabSize)) {
            throw new IllegalArgumentException("eos_id " + eosId + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        this.contextLength = contextLength;
        this.vocabSize = vocabSize;
        this.width = width;
        this.causal = causal;
        this.pool = pool;
        this.eosId = eosId;
        this.lnEps = blocks.lnEps();
        transformer = child("transformer", new Transformer(width, layers, blocks));
        tokenEmbedding = parameter("token_embedding.weight", vocabSize, width);
        positionalEmbedding = parameter("positional_embedding", contextLength, width);
        lnFinalWeight = parameter("ln_final.weight", width);
        lnFinalBias = parameter("ln_final.bias", width);
        textProjection = projBias ? parameter("text_projection.weight", outputDim, width)
                : parameter("text_projection", width, outputDim);
        this.projBias = projBias ? parameter("text_projection.bias", outputDim) : null;
    }

    /** Tokens per text, padding included. */
    public int contextLength() {
        return contextLength;
    }

    /** Attention heads per block. */
    public int heads() {
        return transformer.config().heads();
    }

    /** Width of the text features: the embedding dimension. */
    public int outputDim() {
        return projBias != null ? textProjection.dim(0) : textProjection.dim(1);
    }

    /** Whether the projection has a bias (an {@code nn.Linear}, SigLIP's). */
    public boolean hasProjectionBias() {
        return projBias != null;
    }

    /** Ids the token embedding has. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The shape of every transformer block. */
    public BlockConfig blockConfig() {
        return transformer.config();
    }

    /** Whether attention is causally masked (else every token sees every other, padding included). */
    public boolean causal() {
        return causal;
    }

    /** Which token's state is pooled. */
    public Pool pool() {
        return pool;
    }

    /** The end-of-sequence id that {@link Pool#EOS} looks for. */
    public int eosId() {
        return eosId;
    }

    /** Width of the hidden states (per token). */
    public int width() {
        return width;
    }

    /** Number of transformer blocks. */
    public int layers() {
        return transformer.layers();
    }

    /**
     * Token ids [B, contextLength] as the tower runs them: each row's pooled position, the rows as
     * sequences laid end to end with their ids and positions, and the attention mask (null for none).
     */
    public record Packed(int[] pooled, Sequences sequences, int[] ids, int[] positions, Tensor mask) {}

    /**
     * {@code tokens} [B, contextLength] packed for the tower. A position sees only those before it
     * under the causal mask, so nothing after a row's pooled token (its padding) can reach its
     * feature: each row runs on its first {@code pooled + 1} positions alone, which gives the same
     * features for a fraction of the work. Without the mask every position counts.
     */
    public Packed pack(int[] tokens) {
        int[] at = pooledPositions(tokens);
        int[] lengths = new int[at.length];
        for (int i = 0; i < at.length; i++) {
            lengths[i] = causal ? at[i] + 1 : contextLength;
        }
        Sequences seqs = Sequences.ofLengths(lengths);
        int[] ids = new int[seqs.rows()], positions = new int[seqs.rows()];
        for (int i = 0; i < at.length; i++) {
            System.arraycopy(tokens, i * contextLength, ids, seqs.start(i), lengths[i]);
            for (int j = 0; j < lengths[i]; j++) {
                positions[seqs.start(i) + j] = j;
            }
        }
        return new Packed(at, seqs, ids, positions, causal ? Softmax.causalMask(seqs.maxLength()) : null);
    }

    /**
     * Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major: the
     * state of each row's pooled token ({@link #pooledPositions}) after {@code ln_final}, projected.
     */
    public Tensor forward(int[] tokens) {
        Packed p = pack(tokens);
        Tensor x = Elementwise.add(Embedding.forward(tokenEmbedding, p.ids(), p.ids().length),
                Embedding.forward(positionalEmbedding, p.positions(), p.positions().length));
        // Only the pooled tokens are wanted: the last block computes them alone.
        x = transformer.forwardAt(x, p.sequences(), p.mask(), p.pooled());
        x = LayerNorm.forward(x, lnFinalWeight, lnFinalBias, lnEps);   // per token: before or after pooling is the same
        return projBias != null ? Linear.forward(x, textProjection, projBias) : MatMul.matmul(x, false, textProjection, false);
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
        pooledPositions(tokens);   // checks every id
        Tensor x = Embedding.forward(tokenEmbedding, tokens, b, contextLength);
        x = Elementwise.add(x, positionalEmbedding);
        x = transformer.forward(x, causal ? Softmax.causalMask(contextLength) : null, blocks);
        return lnFinal ? LayerNorm.forward(x, lnFinalWeight, lnFinalBias, lnEps) : x;
    }

    /** Sequences in token ids [B, contextLength]; an error unless the length is a positive multiple of the context. */
    public int batchOf(int[] tokens) {
        if (tokens.length == 0 || tokens.length % contextLength != 0) {
            throw new IllegalArgumentException("token ids must be [B, " + contextLength + "]; got " + tokens.length + " ids");
        }
        return tokens.length / contextLength;
    }

    /** Each row's pooled position in token ids [B, contextLength] (see {@link Pool}); checks every id against the vocabulary. */
    public int[] pooledPositions(int[] tokens) {
        int b = batchOf(tokens);
        int[] at = new int[b];
        for (int i = 0; i < b; i++) {
            int row = i * contextLength, eos = -1;
            for (int j = 0; j < contextLength; j++) {
                int id = tokens[row + j];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at [" + i + ", " + j
                            + "] is outside the vocabulary [0, " + vocabSize + ")");
                }
                if (id > tokens[row + at[i]]) {
                    at[i] = j;   // first position of the largest id, as torch.argmax
                }
                if (id == eosId && eos < 0) {
                    eos = j;
                }
            }
            at[i] = switch (pool) {
                case ARGMAX -> at[i];
                // argmax of (text == eos_id): its first position, or 0 when absent
                case EOS -> Math.max(eos, 0);
                case LAST -> contextLength - 1;
                case FIRST -> 0;
            };
        }
        return at;
    }
}
