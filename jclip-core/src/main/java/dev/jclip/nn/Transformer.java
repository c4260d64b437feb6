package dev.jclip.nn;

import dev.jclip.tensor.Tensor;

/** A stack of {@link ResidualAttentionBlock}s named {@code resblocks.0 ... resblocks.N-1}. */
public final class Transformer extends Module {
    private final ResidualAttentionBlock[] resblocks;

    public Transformer(int width, int layers, int heads) {
        resblocks = new ResidualAttentionBlock[layers];
        for (int i = 0; i < layers; i++) {
            resblocks[i] = child("resblocks." + i, new ResidualAttentionBlock(width, heads));
        }
    }

    /** {@code x} [B, L, D] through every block; {@code mask} [L, L] or null. */
    public Tensor forward(Tensor x, Tensor mask) {
        for (ResidualAttentionBlock block : resblocks) {
            x = block.forward(x, mask);
        }
        return x;
    }
}
