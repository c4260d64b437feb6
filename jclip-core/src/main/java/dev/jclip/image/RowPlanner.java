package dev.jclip.image;

/** Chooses, once a decoder knows the image's size and mode, whether to resize while decoding. */
interface RowPlanner {
    /**
     * The resampler to hand the rows of a {@code width x height} image in {@code mode} (RGB or L)
     * to, or null to decode the whole image.
     */
    RowResampler plan(int width, int height, PixelImage.Mode mode);
}
