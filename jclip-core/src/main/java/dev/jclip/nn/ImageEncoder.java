package dev.jclip.nn;

import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** CLIP's image tower ({@code visual}): a {@link VisionTransformer} or a {@link ModifiedResNet}. */
public abstract class ImageEncoder extends Module {
    /** Height of the input images, in pixels (their side when square). */
    public abstract int imageSize();

    /** Width of the input images, in pixels: {@link #imageSize()} but for a non-square ViT. */
    public int imageWidth() {
        return imageSize();
    }

    /** Width of the image features: the embedding dimension. */
    public abstract int outputDim();

    /** Image features [B, embed] (not normalized) of preprocessed images [B, 3, imageSize, imageWidth]. */
    public abstract Tensor forward(Tensor images);

    /** Checks that {@code images} is [B, 3, height, width] with at least one image, before any work. */
    public final void checkImages(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != 3 || s[2] != imageSize() || s[3] != imageWidth()) {
            throw new IllegalArgumentException("images must be [B, 3, " + imageSize() + ", " + imageWidth()
                    + "] with B >= 1, got " + Arrays.toString(s));
        }
    }
}
