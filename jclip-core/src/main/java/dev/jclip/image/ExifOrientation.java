package dev.jclip.image;

/**
 * Pillow's {@code ImageOps.exif_transpose}, which Pillow 12 applies to a TIFF file's pixels as
 * it loads them (and to no other format on open, so open_clip sees JPEG and PNG as stored).
 */
public final class ExifOrientation {
    private ExifOrientation() {}

    /**
     * The image turned upright for an EXIF/TIFF orientation tag: 1 (or any value outside 2..8)
     * as it is, 2 mirrored, 3 turned half round, 4 flipped, 5 transposed, 6 turned a quarter
     * clockwise, 7 transversed, 8 turned a quarter counterclockwise.
     */
    public static PixelImage apply(PixelImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width(), h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w, outH = swap ? w : h;
        int[] from = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // The source pixel (sx, sy) of output pixel (x, y).
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                from[y * outW + x] = sy * w + sx;
            }
        }
        return image.gather(outW, outH, from);
    }
}
