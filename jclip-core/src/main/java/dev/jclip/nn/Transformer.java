package dev.jclip.nn;

import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;

/** A stack of {@link ResidualAttentionBlock}s named {@code resblocks.0 ... resblocks.N-1}. */
public final class Transformer extends Module {
    private final ResidualAttentionBlock[] resblocks;

    private final BlockConfig config;

    /** {@code layers} blocks of {@code width} channels shaped by {@code config}. */
    public Transformer(int width, int layers, BlockConfig config) {
        this.config = config;
        resblocks = new ResidualAttentionBlock[layers];
        for (int i = 0; i < layers; i++) {
            resblocks[i] = child("resblocks." + i, new ResidualAttentionBlock(width, config));
        }
    }

    /** The shape of every block. */
    public BlockConfig config() {
        return config;
    }

    /** Number of blocks. */
    public int layers() {
        return resblocks.length;
    }

    /** {@code x} [B, L, D] through every block; {@code mask} [L, L] or null. */
    public Tensor forward(Tensor x, Tensor mask) {
        return forward(x, mask, resblocks.length);
    }

    /** {@code x} [B, L, D] through the first {@code blocks} blocks only (hidden states of a middle layer). */
    public Tensor forward(Tensor x, Tensor mask, int blocks) {
        if (blocks < 0 || blocks > resblocks.length) {
            throw new IllegalArgumentException("blocks must be in [0, " + resblocks.length + "], got " + blocks);
        }
        for (int i = 0; i < blocks; i++) {
            x = resblocks[i].forward(x, mask);
        }
        return x;
    }

    /**
     * The output of every block at one token per sequence, {@code at[b]} of sequence b of
     * {@code x} [B, L, D]: [B, D], the values of those rows of {@link #forward(Tensor, Tensor)}.
     */
    public Tensor forwardAt(Tensor x, Tensor mask, int[] at) {
        int b = x.dim(0), l = x.dim(1);
        return forwardAt(x.reshape(b * l, x.dim(2)), Sequences.uniform(b, l), mask, at);
    }

    /**
     * {@link #forwardAt(Tensor, Tensor, int[])} for the sequences {@code seqs} laid end to end in
     * {@code x} [N, D], each attending to itself ({@code mask} [M, M] or null, a sequence of length
     * L taking its top-left L×L block): [S, D].
     * All blocks but the last run on every token (the others feed the wanted one through
     * attention); the last on the wanted tokens alone ({@link ResidualAttentionBlock#forwardAt}).
     */
    public Tensor forwardAt(Tensor x, Sequences seqs, Tensor mask, int[] at) {
        int last = resblocks.length - 1;
        for (int i = 0; i < last; i++) {
            x = resblocks[i].forward(x, seqs, mask);
        }
        return last < 0 ? ResidualAttentionBlock.tokensAt(x, seqs, at) : resblocks[last].forwardAt(x, seqs, mask, at);
    }

    /**
     * The number of blocks to run for hidden-state {@code layer}, counted as Hugging Face's
     * {@code hidden_states}: 0 is the transformer's input, {@code k} the output of block {@code k},
     * negative counts from the end ({@code -1} the last block, {@code -2} the penultimate).
     */
    public int blocksFor(int layer) {
        int n = resblocks.length;
        if (layer < -(n + 1) || layer > n) {
            throw new IllegalArgumentException("layer " + layer + " is out of range for " + n + " blocks: use 0.." + n
                    + " or -" + (n + 1) + "..-1");
        }
        return layer < 0 ? n + 1 + layer : layer;
    }
}
