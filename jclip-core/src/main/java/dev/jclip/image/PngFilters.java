package dev.jclip.image;

/**
 * PNG's row filters undone in place (PNG specification, section 9): each byte of {@code cur}
 * gets back the predictor it was stored against, from the byte {@code bpp} to its left (the
 * previous pixel's same sample), the byte above it in {@code prev}, and the one above-left. The
 * arithmetic is modulo 256, as the specification defines it.
 */
final class PngFilters {
    private PngFilters() {}

    /** Sub: the byte to the left. */
    static void sub(byte[] cur, int at, int n, int bpp) {
        for (int i = at + bpp, end = at + n; i < end; i++) {
            cur[i] += cur[i - bpp];
        }
    }

    /** Up: the byte above (no dependence along the row, so the loop runs in vector lanes). */
    static void up(byte[] cur, int at, byte[] prev, int prevAt, int n) {
        for (int i = 0; i < n; i++) {
            cur[at + i] += prev[prevAt + i];
        }
    }

    /** Average: the floor of the mean of the bytes to the left and above. */
    static void average(byte[] cur, int at, byte[] prev, int prevAt, int n, int bpp) {
        for (int i = 0; i < bpp && i < n; i++) {
            cur[at + i] += (byte) ((prev[prevAt + i] & 0xFF) >>> 1);
        }
        for (int i = bpp; i < n; i++) {
            cur[at + i] += (byte) (((cur[at + i - bpp] & 0xFF) + (prev[prevAt + i] & 0xFF)) >>> 1);
        }
    }

    /** Paeth: whichever of left, above and above-left is nearest to left + above - above-left (ties in that order). */
    static void paeth(byte[] cur, int at, byte[] prev, int prevAt, int n, int bpp) {
        for (int i = 0; i < bpp && i < n; i++) {
            cur[at + i] += prev[prevAt + i]; // left and above-left are 0: the predictor is the byte above
        }
        for (int i = bpp; i < n; i++) {
            int a = cur[at + i - bpp] & 0xFF, b = prev[prevAt + i] & 0xFF, c = prev[prevAt + i - bpp] & 0xFF;
            int pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - c - c);
            int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            cur[at + i] += (byte) pred;
        }
    }
}
