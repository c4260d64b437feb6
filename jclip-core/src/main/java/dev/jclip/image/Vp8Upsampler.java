package dev.jclip.image;

/**
 * libwebp's "fancy" conversion of decoded VP8 planes to RGB: chroma is upsampled
 * 2x by weighting the nearest four samples 9:3:3:1 (in two rounding steps, as the
 * libwebp kernels do), then each pixel goes through libwebp's 14-bit fixed-point
 * BT.601 YUV to RGB. This is what a default {@code WebPDecode} to RGBA gives.
 */
final class Vp8Upsampler {
    private Vp8Upsampler() {}

    /**
     * Writes the picture into {@code out} as RGB ({@code bands} 3) or RGBA (4, alpha 255),
     * row {@code y} starting at {@code offset + y * stride}.
     */
    static void toRgb(Vp8Decoder.Planes p, byte[] out, int offset, int stride, int bands) {
        int w = p.width(), h = p.height();
        int ys = p.yStride(), cs = p.uvStride();
        byte[] y = p.y(), u = p.u(), v = p.v();
        // The first row pairs chroma row 0 with itself; then each pair of rows (2k-1, 2k)
        // lies between chroma rows k-1 and k; an even height ends on the last chroma row alone.
        linePair(y, 0, -1, u, v, 0, 0, w, out, offset, -1, bands);
        for (int row = 1; row + 1 < h; row += 2) {
            int k = (row + 1) >> 1;
            linePair(y, row * ys, (row + 1) * ys, u, v, (k - 1) * cs, k * cs, w,
                    out, offset + row * stride, offset + (row + 1) * stride, bands);
        }
        if ((h & 1) == 0 && h > 1) {
            int last = ((h - 1) >> 1) * cs;
            linePair(y, (h - 1) * ys, -1, u, v, last, last, w, out, offset + (h - 1) * stride, -1, bands);
        }
    }

    /**
     * Converts luma row {@code top} (and {@code bottom} unless negative) using chroma rows
     * {@code topC} (above) and {@code curC} (below), as libwebp's UpsampleRgbaLinePair.
     */
    private static void linePair(byte[] y, int top, int bottom, byte[] u, byte[] v, int topC, int curC, int len,
            byte[] out, int topOut, int bottomOut, int bands) {
        int tlU = u[topC] & 0xFF, tlV = v[topC] & 0xFF;
        int lU = u[curC] & 0xFF, lV = v[curC] & 0xFF;
        pixel(y[top], (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2, out, topOut, bands);
        if (bottom >= 0) {
            pixel(y[bottom], (3 * lU + tlU + 2) >> 2, (3 * lV + tlV + 2) >> 2, out, bottomOut, bands);
        }
        int lastPair = (len - 1) >> 1;
        for (int x = 1; x <= lastPair; x++) {
            int tU = u[topC + x] & 0xFF, tV = v[topC + x] & 0xFF;
            int cU = u[curC + x] & 0xFF, cV = v[curC + x] & 0xFF;
            int avgU = tlU + tU + lU + cU + 8, avgV = tlV + tV + lV + cV + 8;
            int diag12U = (avgU + 2 * (tU + lU)) >> 3, diag12V = (avgV + 2 * (tV + lV)) >> 3;
            int diag03U = (avgU + 2 * (tlU + cU)) >> 3, diag03V = (avgV + 2 * (tlV + cV)) >> 3;
            int left = bands * (2 * x - 1), right = bands * 2 * x;
            pixel(y[top + 2 * x - 1], (diag12U + tlU) >> 1, (diag12V + tlV) >> 1, out, topOut + left, bands);
            pixel(y[top + 2 * x], (diag03U + tU) >> 1, (diag03V + tV) >> 1, out, topOut + right, bands);
            if (bottom >= 0) {
                pixel(y[bottom + 2 * x - 1], (diag03U + lU) >> 1, (diag03V + lV) >> 1, out, bottomOut + left, bands);
                pixel(y[bottom + 2 * x], (diag12U + cU) >> 1, (diag12V + cV) >> 1, out, bottomOut + right, bands);
            }
            tlU = tU;
            tlV = tV;
            lU = cU;
            lV = cV;
        }
        if ((len & 1) == 0) {
            int last = bands * (len - 1);
            pixel(y[top + len - 1], (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2, out, topOut + last, bands);
            if (bottom >= 0) {
                pixel(y[bottom + len - 1], (3 * lU + tlU + 2) >> 2, (3 * lV + tlV + 2) >> 2, out, bottomOut + last,
                        bands);
            }
        }
    }

    private static void pixel(byte yb, int u, int v, byte[] out, int o, int bands) {
        int yy = mulHi(yb & 0xFF, 19077);
        out[o] = clip(yy + mulHi(v, 26149) - 14234);
        out[o + 1] = clip(yy - mulHi(u, 6419) - mulHi(v, 13320) + 8708);
        out[o + 2] = clip(yy + mulHi(u, 33050) - 17685);
        if (bands == 4) {
            out[o + 3] = (byte) 255;
        }
    }

    private static int mulHi(int v, int coeff) {
        return (v * coeff) >> 8;
    }

    /** From 6 fractional bits to 0..255. */
    private static byte clip(int v) {
        return (byte) ((v & ~((256 << 6) - 1)) == 0 ? v >> 6 : v < 0 ? 0 : 255);
    }
}
