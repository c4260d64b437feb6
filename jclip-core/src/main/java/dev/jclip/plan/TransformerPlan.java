package dev.jclip.plan;

import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.Transformer;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;

/** A {@link Transformer}'s blocks for inference, the last of them at the pooled tokens only. */
final class TransformerPlan {
    private final BlockPlan[] blocks;

    /** The {@code layers} blocks named {@code prefix + "resblocks.i."} in {@code sd}. */
    TransformerPlan(StateDict sd, String prefix, int layers, BlockConfig config) {
        blocks = new BlockPlan[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new BlockPlan(sd, prefix + "resblocks." + i + ".", config);
        }
    }

    /** {@code x} [B, L, D] through every block; {@code mask} [L, L] or null. */
    Tensor forward(Tensor x, Tensor mask) {
        int b = x.dim(0), l = x.dim(1), d = x.dim(2);
        return blocks(x.reshape(b * l, d), Sequences.uniform(b, l), mask, blocks.length).reshape(b, l, d);
    }

    /**
     * {@code x} [N, D] through the first {@code n} blocks. Their activations come from one {@link Buffers}:
     * after the first block the others reuse its arrays, instead of a dozen fresh ones each (which
     * the collector then clears, and the system maps in again, page by page).
     */
    private Tensor blocks(Tensor x, Sequences seqs, Tensor mask, int n) {
        Buffers buffers = new Buffers();
        Tensor y = x;
        for (int i = 0; i < n; i++) {
            Tensor next = blocks[i].forward(y, seqs, mask, buffers);
            if (y != x) {
                buffers.give(y);
            }
            y = next;
        }
        return y;
    }

    /**
     * The output of every block at one token per sequence, {@code at[b]} of sequence b of
     * {@code x} [B, L, D]: [B, D], the same bits as those rows of {@link #forward}.
     */
    Tensor forwardAt(Tensor x, Tensor mask, int[] at) {
        int b = x.dim(0), l = x.dim(1);
        return forwardAt(x.reshape(b * l, x.dim(2)), Sequences.uniform(b, l), mask, at);
    }

    /**
     * {@link #forwardAt(Tensor, Tensor, int[])} for the sequences {@code seqs} laid end to end in
     * {@code x} [N, D] ({@code mask} [M, M] or null, each sequence taking its top-left block): [S, D].
     * All blocks but the last run on every token (later tokens feed the wanted one through attention).
     */
    Tensor forwardAt(Tensor x, Sequences seqs, Tensor mask, int[] at) {
        int last = blocks.length - 1;
        x = blocks(x, seqs, mask, Math.max(0, last));
        return last < 0 ? BlockPlan.tokensAt(x, seqs, at) : blocks[last].forwardAt(x, seqs, mask, at);
    }
}
