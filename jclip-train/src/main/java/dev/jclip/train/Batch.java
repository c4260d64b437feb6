package dev.jclip.train;

import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * One training batch of matching pairs: preprocessed images {@code [B, 3, H, W]}
 * and their captions' token ids {@code int[B][context]}; pair {@code i} is the
 * positive for row and column {@code i} of the logits.
 */
public record Batch(Tensor images, int[][] tokens) {
    public Batch {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("batch images must be [B, 3, H, W], got " + Arrays.toString(images.shape()));
        }
        if (images.dim(0) != tokens.length || tokens.length == 0) {
            throw new IllegalArgumentException("batch has " + images.dim(0) + " images and " + tokens.length
                    + " token rows; they must match and be at least 1");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].length != tokens[0].length) {
                throw new IllegalArgumentException("token row " + i + " has " + tokens[i].length + " ids, row 0 has "
                        + tokens[0].length + "; all rows need the model's context length");
            }
        }
    }

    /** Number of pairs B. */
    public int size() {
        return tokens.length;
    }

    /** Pairs {@code [from, to)} as their own batch (copies). */
    public Batch slice(int from, int to) {
        int per = images.numel() / size();
        int[] shape = images.shape();
        shape[0] = to - from;
        float[] img = Arrays.copyOfRange(images.data(), from * per, to * per);
        return new Batch(Tensor.of(img, shape), Arrays.copyOfRange(tokens, from, to));
    }

    /** Token ids row-major, {@code [B · context]}, as the text encoder takes them. */
    public int[] flatTokens() {
        int ctx = tokens[0].length;
        int[] flat = new int[tokens.length * ctx];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(tokens[i], 0, flat, i * ctx, ctx);
        }
        return flat;
    }
}
