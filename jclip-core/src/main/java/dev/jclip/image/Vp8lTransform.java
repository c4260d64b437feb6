package dev.jclip.image;

/**
 * One VP8L image transform and its inverse, on whole images of ARGB pixels
 * ({@code 0xAARRGGBB}), with libwebp's arithmetic.
 */
final class Vp8lTransform {
    static final int PREDICTOR = 0, CROSS_COLOR = 1, SUBTRACT_GREEN = 2, COLOR_INDEXING = 3;

    private final int type;
    /** Width of the image the transform produces (color indexing reads it packed, several pixels a byte). */
    private final int width;
    private final int bits;
    /** Predictor or color-transform tiles, or the color map (256 entries, black past the palette). */
    private final int[] data;

    Vp8lTransform(int type, int width, int bits, int[] data) {
        this.type = type;
        this.width = width;
        this.bits = bits;
        this.data = data;
    }

    /** Undoes the transform: {@code in} (as decoded) to the pixels of the next level, {@code height} rows. */
    int[] inverse(int[] in, int height) {
        switch (type) {
            case PREDICTOR -> predictors(in, height);
            case CROSS_COLOR -> crossColor(in, height);
            case SUBTRACT_GREEN -> addGreen(in);
            default -> {
                return colorIndexing(in, height);
            }
        }
        return in;
    }

    private static int subSampleSize(int size, int bits) {
        return (size + (1 << bits) - 1) >> bits;
    }

    // ---------------------------------------------------------------- predictor

    private void predictors(int[] p, int height) {
        int w = width;
        // Row 0: black above the first pixel, then each from its left.
        p[0] = add(p[0], 0xFF000000);
        for (int x = 1; x < w; x++) {
            p[x] = add(p[x], p[x - 1]);
        }
        int tilesPerRow = subSampleSize(w, bits);
        for (int y = 1; y < height; y++) {
            int row = y * w;
            int tiles = (y >> bits) * tilesPerRow;
            p[row] = add(p[row], p[row - w]); // column 0: from above
            for (int x = 1; x < w; x++) {
                int mode = (data[tiles + (x >> bits)] >> 8) & 0xF;
                int i = row + x;
                p[i] = add(p[i], predict(mode, p, i, w));
            }
        }
    }

    /** Predictor {@code mode} for pixel {@code i}; above-right of the last column is this row's first pixel. */
    private static int predict(int mode, int[] p, int i, int w) {
        int left = p[i - 1], top = p[i - w];
        return switch (mode) {
            case 1 -> left;
            case 2 -> top;
            case 3 -> p[i - w + 1];
            case 4 -> p[i - w - 1];
            case 5 -> average2(average2(left, p[i - w + 1]), top);
            case 6 -> average2(left, p[i - w - 1]);
            case 7 -> average2(left, top);
            case 8 -> average2(p[i - w - 1], top);
            case 9 -> average2(top, p[i - w + 1]);
            case 10 -> average2(average2(left, p[i - w - 1]), average2(top, p[i - w + 1]));
            case 11 -> select(top, left, p[i - w - 1]);
            case 12 -> clampedAddSubtractFull(left, top, p[i - w - 1]);
            case 13 -> clampedAddSubtractHalf(left, top, p[i - w - 1]);
            default -> 0xFF000000; // 0, and 14-15 which libwebp maps to it
        };
    }

    /** Per-channel sum modulo 256. */
    private static int add(int a, int b) {
        int alphaGreen = (a & 0xFF00FF00) + (b & 0xFF00FF00);
        int redBlue = (a & 0x00FF00FF) + (b & 0x00FF00FF);
        return (alphaGreen & 0xFF00FF00) | (redBlue & 0x00FF00FF);
    }

    private static int average2(int a, int b) {
        return (((a ^ b) & 0xFEFEFEFE) >>> 1) + (a & b);
    }

    private static int clip255(int a) {
        return a < 0 ? 0 : Math.min(a, 255);
    }

    private static int clampedAddSubtractFull(int c0, int c1, int c2) {
        int out = 0;
        for (int s = 0; s < 32; s += 8) {
            int v = ((c0 >>> s) & 0xFF) + ((c1 >>> s) & 0xFF) - ((c2 >>> s) & 0xFF);
            out |= clip255(v) << s;
        }
        return out;
    }

    private static int clampedAddSubtractHalf(int c0, int c1, int c2) {
        int ave = average2(c0, c1);
        int out = 0;
        for (int s = 0; s < 32; s += 8) {
            int a = (ave >>> s) & 0xFF, b = (c2 >>> s) & 0xFF;
            out |= clip255(a + (a - b) / 2) << s;
        }
        return out;
    }

    private static int select(int a, int b, int c) {
        int paMinusPb = 0;
        for (int s = 0; s < 32; s += 8) {
            int ac = (a >>> s) & 0xFF, bc = (b >>> s) & 0xFF, cc = (c >>> s) & 0xFF;
            paMinusPb += Math.abs(bc - cc) - Math.abs(ac - cc);
        }
        return paMinusPb <= 0 ? a : b;
    }

    // ---------------------------------------------------------------- cross color, subtract green

    private void crossColor(int[] p, int height) {
        int w = width;
        int tilesPerRow = subSampleSize(w, bits);
        for (int y = 0; y < height; y++) {
            int tiles = (y >> bits) * tilesPerRow;
            for (int x = 0; x < w; x++) {
                int code = data[tiles + (x >> bits)];
                int i = y * w + x;
                int argb = p[i];
                int green = (byte) (argb >> 8);
                int red = (argb >> 16) & 0xFF;
                int blue = argb & 0xFF;
                red = (red + delta((byte) code, green)) & 0xFF;
                blue += delta((byte) (code >> 8), green);
                blue = (blue + delta((byte) (code >> 16), (byte) red)) & 0xFF;
                p[i] = (argb & 0xFF00FF00) | red << 16 | blue;
            }
        }
    }

    private static int delta(int colorPred, int color) {
        return (colorPred * color) >> 5;
    }

    private static void addGreen(int[] p) {
        for (int i = 0; i < p.length; i++) {
            int argb = p[i];
            int green = (argb >> 8) & 0xFF;
            int redBlue = ((argb & 0x00FF00FF) + (green << 16 | green)) & 0x00FF00FF;
            p[i] = (argb & 0xFF00FF00) | redBlue;
        }
    }

    // ---------------------------------------------------------------- color indexing

    /** Looks up palette indices, stored in green, {@code 1 << bits} of them packed into each pixel of {@code in}. */
    private int[] colorIndexing(int[] in, int height) {
        int packedWidth = subSampleSize(width, bits);
        int[] out = new int[width * height];
        int perByte = 1 << bits, bitsPerPixel = 8 >> bits, mask = (1 << bitsPerPixel) - 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int packed = (in[y * packedWidth + (x >> bits)] >> 8) & 0xFF;
                int index = (packed >> (bitsPerPixel * (x & (perByte - 1)))) & mask;
                out[y * width + x] = data[index];
            }
        }
        return out;
    }
}
