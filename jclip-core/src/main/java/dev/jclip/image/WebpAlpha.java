package dev.jclip.image;

import java.util.Arrays;

/**
 * Decodes a WebP {@code ALPH} chunk (the alpha of a lossy image) into one byte per
 * pixel, as libwebp's alpha_dec.c: a header byte (compression, filter,
 * pre-processing), then raw or VP8L-compressed (green channel) values, then the
 * inverse of the horizontal, vertical or gradient prediction filter. Pre-processing
 * (quantized levels) needs nothing here: libwebp only smooths it when asked to dither.
 */
final class WebpAlpha {
    private static final int FILTER_NONE = 0, FILTER_HORIZONTAL = 1, FILTER_VERTICAL = 2;

    private WebpAlpha() {}

    /** The {@code width * height} alpha values of the chunk payload {@code data[offset, offset + length)}. */
    static byte[] decode(byte[] data, int offset, int length, int width, int height, String name)
            throws BadImageException {
        if (length <= 1) {
            throw new BadImageException(name, "ALPH chunk is empty");
        }
        int head = data[offset] & 0xFF;
        int method = head & 3, filter = (head >> 2) & 3, preprocessing = (head >> 4) & 3, reserved = head >> 6;
        if (method > 1 || preprocessing > 1 || reserved != 0) {
            throw new BadImageException(name, "ALPH header is invalid (compression " + method
                    + ", pre-processing " + preprocessing + ", reserved bits " + reserved + ")");
        }
        int n = width * height;
        byte[] deltas;
        if (method == 0) {
            if (length - 1 < n) {
                throw new BadImageException(name, "uncompressed ALPH chunk has " + (length - 1)
                        + " bytes for " + n + " pixels");
            }
            deltas = Arrays.copyOfRange(data, offset + 1, offset + 1 + n);
        } else {
            int[] argb = Vp8lDecoder.decodeStream(data, offset + 1, length - 1, width, height, name);
            deltas = new byte[n];
            for (int i = 0; i < n; i++) {
                deltas[i] = (byte) (argb[i] >> 8);
            }
        }
        unfilter(deltas, width, height, filter);
        return deltas;
    }

    /** Undoes the prediction filter in place, row by row (each row predicted from the decoded one above). */
    private static void unfilter(byte[] a, int w, int h, int filter) {
        if (filter == FILTER_NONE) {
            return;
        }
        for (int y = 0; y < h; y++) {
            int row = y * w;
            if (y == 0) { // first row: from the left, the first pixel from 0, whatever the filter
                for (int x = 1; x < w; x++) {
                    a[x] += a[x - 1];
                }
                continue;
            }
            int above = row - w;
            a[row] += a[above]; // first column: from above
            for (int x = 1; x < w; x++) {
                int i = row + x;
                int pred = switch (filter) {
                    case FILTER_HORIZONTAL -> a[i - 1] & 0xFF;
                    case FILTER_VERTICAL -> a[above + x] & 0xFF;
                    default -> Math.clamp((a[i - 1] & 0xFF) + (a[above + x] & 0xFF) - (a[above + x - 1] & 0xFF),
                            0, 255);
                };
                a[i] = (byte) (a[i] + pred);
            }
        }
    }
}
