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

    /**
     * Paeth: whichever of left (a), above (b) and above-left (c) is nearest to a + b - c, ties
     * going to a, then b. Each sample's result is the next one's left, a chain through the row:
     * the left and above-left values stay in locals (no store-to-load round trip), the choice is
     * made with masks rather than branches (photos make it unpredictable), and for RGB and RGBA
     * the samples of a pixel go through the loop together, so their chains overlap.
     */
    static void paeth(byte[] cur, int at, byte[] prev, int prevAt, int n, int bpp) {
        for (int i = 0; i < bpp && i < n; i++) {
            cur[at + i] += prev[prevAt + i]; // left and above-left are 0: the predictor is the byte above
        }
        if (bpp == 3) {
            paeth3(cur, at, prev, prevAt, n);
            return;
        }
        for (int ch = 0; ch < bpp; ch++) {
            int a = cur[at + ch] & 0xFF, c = prev[prevAt + ch] & 0xFF;
            for (int i = ch + bpp; i < n; i += bpp) {
                int b = prev[prevAt + i] & 0xFF;
                a = (cur[at + i] + predict(a, b, c)) & 0xFF;
                cur[at + i] = (byte) a;
                c = b;
            }
        }
    }

    private static void paeth3(byte[] cur, int at, byte[] prev, int prevAt, int n) {
        int a0 = cur[at] & 0xFF, a1 = cur[at + 1] & 0xFF, a2 = cur[at + 2] & 0xFF;
        int c0 = prev[prevAt] & 0xFF, c1 = prev[prevAt + 1] & 0xFF, c2 = prev[prevAt + 2] & 0xFF;
        for (int i = 3; i + 2 < n; i += 3) {
            int b0 = prev[prevAt + i] & 0xFF, b1 = prev[prevAt + i + 1] & 0xFF, b2 = prev[prevAt + i + 2] & 0xFF;
            a0 = (cur[at + i] + predict(a0, b0, c0)) & 0xFF;
            a1 = (cur[at + i + 1] + predict(a1, b1, c1)) & 0xFF;
            a2 = (cur[at + i + 2] + predict(a2, b2, c2)) & 0xFF;
            cur[at + i] = (byte) a0;
            cur[at + i + 1] = (byte) a1;
            cur[at + i + 2] = (byte) a2;
            c0 = b0;
            c1 = b1;
            c2 = b2;
        }
    }

    /** The Paeth predictor of samples 0..255, without branches. */
    private static int predict(int a, int b, int c) {
        int pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - c - c);
        int bc = b ^ ((b ^ c) & ((pc - pb) >> 31)); // c when pc < pb
        return a ^ ((a ^ bc) & ((Math.min(pb, pc) - pa) >> 31)); // bc when it is nearer than a
    }
}
