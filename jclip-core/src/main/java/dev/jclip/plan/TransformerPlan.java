package dev.jclip.plan;

import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.Transformer;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;
import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentLinkedDeque;

/** A {@link Transformer}'s blocks for inference, the last of them at the pooled tokens only. */
final class TransformerPlan {
    private final BlockPlan[] blocks;
    /**
     * The activations' arrays of finished passes, one set per pass that ran at the same time, for
     * the next passes: batch after batch of one shape then allocates nothing (a fresh [N, 4D] array
     * per batch is new memory the system maps in page by page, and garbage the collector clears).
     * Softly held, so that an idle plan gives them up when the heap runs short.
     */
    private final ConcurrentLinkedDeque<SoftReference<Buffers>> idle = new ConcurrentLinkedDeque<>();

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
        Buffers buffers = takeBuffers();
        try {
            return blocks(x.reshape(b * l, d), Sequences.uniform(b, l), mask, blocks.length, buffers).reshape(b, l, d);
        } finally {
            giveBuffers(buffers);
        }
    }

    /**
     * {@code x} [N, D] through the first {@code n} blocks, their activations from {@code buffers}:
     * after the first block the others reuse its arrays.
     */
    private Tensor blocks(Tensor x, Sequences seqs, Tensor mask, int n, Buffers buffers) {
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

    /** An idle pass's {@link Buffers}, or new ones. */
    private Buffers takeBuffers() {
        for (SoftReference<Buffers> ref; (ref = idle.pollFirst()) != null; ) {
            Buffers buffers = ref.get();
            if (buffers != null) {
                return buffers;
            }
        }
        return new Buffers();
    }

    /** Ends the pass of {@code buffers} and keeps them for the next. */
    private void giveBuffers(Buffers buffers) {
        buffers.endPass();
        idle.offerFirst(new SoftReference<>(buffers));
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
        Buffers buffers = takeBuffers();
        try {
            Tensor y = blocks(x, seqs, mask, Math.max(0, last), buffers);
            Tensor out = last < 0 ? BlockPlan.tokensAt(y, seqs, at) : blocks[last].forwardAt(y, seqs, mask, at, buffers);
            if (y != x) {
                buffers.give(y);
            }
            return out;
        } finally {
            giveBuffers(buffers);
        }
    }
}
