package dev.jclip.image;

import java.util.Arrays;

/**
 * Pillow 9.4's {@code Image.resize(size, BICUBIC)}, bit for bit (libImaging's
 * Resample.c and Geometry.c), computing only a window of the output: CLIP crops the
 * resized image at once, and every output pixel depends only on the input, so the
 * pixels a crop throws away need not be computed.
 *
 * <p>Bicubic (a = -0.5) is separable: a horizontal pass over the input rows the
 * vertical pass needs, rounded to 8 bits, then a vertical pass, rounded again. When
 * shrinking, the filter is stretched by the scale factor (antialiasing). Weights are
 * normalized to sum 1 and turned into 22-bit fixed point; sums start at half an
 * output unit and are clamped to 0..255. Modes with alpha are resized premultiplied;
 * palette and bilevel images are resized nearest-neighbour; modes I and I;16 in double.
 */
public final class Resample {
    private Resample() {}

    /** Fixed-point fraction bits: 32 bits less 8 for the result and 2 for overshoot and sign. */
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    /** Pillow's {@code resize((outWidth, outHeight), BICUBIC)} of the whole image. */
    public static PixelImage resize(PixelImage src, int outWidth, int outHeight) {
        return resize(src, outWidth, outHeight, 0, 0, outWidth, outHeight);
    }

    /**
     * The window {@code (keepX, keepY, keepWidth, keepHeight)} of Pillow's
     * {@code resize((outWidth, outHeight), BICUBIC)}: the same pixels as resizing and
     * then cropping.
     */
    public static PixelImage resize(PixelImage src, int outWidth, int outHeight,
                                    int keepX, int keepY, int keepWidth, int keepHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outWidth + "x" + outHeight);
        }
        if (keepX < 0 || keepY < 0 || keepWidth <= 0 || keepHeight <= 0
                || keepX + keepWidth > outWidth || keepY + keepHeight > outHeight) {
            throw new IllegalArgumentException("window (" + keepX + ", " + keepY + ", " + keepWidth + "x"
                    + keepHeight + ") is not inside the " + outWidth + "x" + outHeight + " output");
        }
        if (outWidth == src.width() && outHeight == src.height()) {
            return src.crop(keepX, keepY, keepWidth, keepHeight);
        }
        return switch (src.mode()) {
            case ONE, P -> nearest(src, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
            case L, RGB, CMYK -> bicubic8(src, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
            case LA, RGBA -> unpremultiply(
                    bicubic8(premultiply(src), outWidth, outHeight, keepX, keepY, keepWidth, keepHeight));
            case I -> bicubicInt(src, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight, Integer.MIN_VALUE,
                    Integer.MAX_VALUE);
            // Pillow 12's 16-bit passes (Resample.c, _16bpc): the same double sums, clamped to 16 bits each pass.
            case I16 -> bicubicInt(src, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight, 0, 0xFFFF);
        };
    }

    // ---------------------------------------------------------------- bicubic weights

    /**
     * Filter weights for output positions {@code from .. from+count-1} of a resize from
     * {@code inSize} to {@code outSize} ({@code precompute_coeffs}): output i reads
     * inputs {@code first[i] .. first[i]+taps[i]-1} with weights
     * {@code weights[i*ksize ..]}, normalized to sum 1.
     */
    private record Weights(int ksize, int[] first, int[] taps, double[] weights) {
        /** First input index any output reads. */
        int lo() {
            return first[0];
        }

        /** One past the last input index any output reads (outputs read increasing ranges). */
        int hi() {
            int last = first.length - 1;
            return first[last] + taps[last];
        }

        /** The weights in Pillow's fixed point, rounded half away from zero. */
        int[] fixedPoint() {
            int[] k = new int[weights.length];
            for (int i = 0; i < k.length; i++) {
                double w = weights[i] * (1 << PRECISION_BITS);
                k[i] = (int) (w < 0 ? -0.5 + w : 0.5 + w);
            }
            return k;
        }
    }

    private static Weights bicubicWeights(int inSize, int outSize, int from, int count) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[count];
        int[] taps = new int[count];
        double[] weights = new double[count * ksize];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < count; i++) {
            double center = (from + i + 0.5) * scale;
            // Pillow rounds the support window's ends with (int)(v + 0.5), truncating toward zero.
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int n = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double sum = 0.0;
            for (int x = 0; x < n; x++) {
                double w = cubic((x + xmin - center + 0.5) * ss);
                weights[i * ksize + x] = w;
                sum += w;
            }
            if (sum != 0.0) {
                for (int x = 0; x < n; x++) {
                    weights[i * ksize + x] /= sum;
                }
            }
            first[i] = xmin;
            taps[i] = n;
        }
        return new Weights(ksize, first, taps, weights);
    }

    /** Keys' cubic convolution kernel with a = -0.5, written as Pillow evaluates it. */
    private static double cubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's clip8: drop the fraction bits (floor) and clamp to a byte. */
    private static byte clip8(int sum) {
        return (byte) Math.clamp(sum >> PRECISION_BITS, 0, 255);
    }

    // ---------------------------------------------------------------- 8-bit passes

    private static PixelImage bicubic8(PixelImage src, int outWidth, int outHeight,
                                       int keepX, int keepY, int keepWidth, int keepHeight) {
        int w = src.width(), h = src.height(), bands = src.mode().bands;
        boolean horizontal = outWidth != w, vertical = outHeight != h;
        Weights wv = vertical ? bicubicWeights(h, outHeight, keepY, keepHeight) : null;
        // The rows of the input that the kept output rows read (Pillow's ybox).
        int rowLo = vertical ? wv.lo() : keepY;
        int rowHi = vertical ? wv.hi() : keepY + keepHeight;

        byte[] mid;
        int midStride, midCol, midRow;
        if (horizontal) {
            Weights wh = bicubicWeights(w, outWidth, keepX, keepWidth);
            mid = horizontal8(src.samples(), w, bands, rowLo, rowHi, wh);
            midStride = keepWidth;
            midCol = 0;
            midRow = rowLo;
        } else {
            mid = src.samples();
            midStride = w;
            midCol = keepX;
            midRow = 0;
        }
        byte[] out;
        if (vertical) {
            out = vertical8(mid, midStride, midCol, midRow, bands, keepWidth, wv);
        } else if (horizontal) {
            out = mid;
        } else {
            throw new AssertionError("same-size resize is a crop");
        }
        return src.withSamples(keepWidth, keepHeight, out);
    }

    /**
     * ImagingResampleHorizontal_8bpc over input rows {@code rowLo .. rowHi-1}. All bands
     * of a pixel are summed together (one pass over its taps), as Pillow does.
     */
    private static byte[] horizontal8(byte[] in, int width, int bands, int rowLo, int rowHi, Weights wh) {
        int outW = wh.first.length, ksize = wh.ksize;
        int[] k = wh.fixedPoint();
        byte[] out = new byte[(rowHi - rowLo) * outW * bands];
        int[] ss = new int[bands];
        for (int y = rowLo; y < rowHi; y++) {
            int rowIn = y * width * bands;
            int o = (y - rowLo) * outW * bands;
            for (int xx = 0; xx < outW; xx++) {
                int p = rowIn + wh.first[xx] * bands, end = p + wh.taps[xx] * bands, kx = xx * ksize;
                if (bands == 3) {
                    // RGB, the common case, with its three sums in registers.
                    int s0 = HALF, s1 = HALF, s2 = HALF;
                    for (; p < end; p += 3, kx++) {
                        int w = k[kx];
                        s0 += (in[p] & 0xFF) * w;
                        s1 += (in[p + 1] & 0xFF) * w;
                        s2 += (in[p + 2] & 0xFF) * w;
                    }
                    out[o++] = clip8(s0);
                    out[o++] = clip8(s1);
                    out[o++] = clip8(s2);
                } else {
                    Arrays.fill(ss, HALF);
                    for (; p < end; p += bands, kx++) {
                        int w = k[kx];
                        for (int c = 0; c < bands; c++) {
                            ss[c] += (in[p + c] & 0xFF) * w;
                        }
                    }
                    for (int c = 0; c < bands; c++) {
                        out[o++] = clip8(ss[c]);
                    }
                }
            }
        }
        return out;
    }

    /**
     * ImagingResampleVertical_8bpc: column {@code x} of the output reads column
     * {@code col + x} of {@code in}, whose row 0 is input row {@code row}. Each output
     * row is accumulated one input row at a time, so the inner loop runs along memory.
     */
    private static byte[] vertical8(byte[] in, int stride, int col, int row, int bands, int width, Weights wv) {
        int outH = wv.first.length, ksize = wv.ksize, n = width * bands;
        int[] k = wv.fixedPoint();
        byte[] out = new byte[outH * n];
        int[] ss = new int[n];
        for (int yy = 0; yy < outH; yy++) {
            Arrays.fill(ss, HALF);
            for (int y = 0; y < wv.taps[yy]; y++) {
                int w = k[yy * ksize + y];
                int p = ((wv.first[yy] - row + y) * stride + col) * bands;
                for (int i = 0; i < n; i++) {
                    ss[i] += (in[p + i] & 0xFF) * w;
                }
            }
            for (int i = 0; i < n; i++) {
                out[yy * n + i] = clip8(ss[i]);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- mode I (double)

    /** Pillow's ROUND_UP: round half away from zero. */
    private static int roundUp(double v) {
        return (int) (v >= 0.0 ? v + 0.5f : v - 0.5f);
    }

    /** Mode I or I;16 in double, each pass rounded and clamped to {@code lo .. hi}. */
    private static PixelImage bicubicInt(PixelImage src, int outWidth, int outHeight,
                                         int keepX, int keepY, int keepWidth, int keepHeight, int lo, int hi) {
        int w = src.width(), h = src.height();
        boolean horizontal = outWidth != w, vertical = outHeight != h;
        Weights wv = vertical ? bicubicWeights(h, outHeight, keepY, keepHeight) : null;
        int rowLo = vertical ? wv.lo() : keepY;
        int rowHi = vertical ? wv.hi() : keepY + keepHeight;
        int[] in = src.ints();

        int[] mid;
        int midStride, midCol, midRow;
        if (horizontal) {
            Weights wh = bicubicWeights(w, outWidth, keepX, keepWidth);
            mid = new int[(rowHi - rowLo) * keepWidth];
            for (int y = rowLo; y < rowHi; y++) {
                for (int xx = 0; xx < keepWidth; xx++) {
                    int base = y * w + wh.first[xx], kOff = xx * wh.ksize;
                    double ss = 0.0;
                    for (int x = 0; x < wh.taps[xx]; x++) {
                        ss += in[base + x] * wh.weights[kOff + x];
                    }
                    mid[(y - rowLo) * keepWidth + xx] = Math.clamp(roundUp(ss), lo, hi);
                }
            }
            midStride = keepWidth;
            midCol = 0;
            midRow = rowLo;
        } else {
            mid = in;
            midStride = w;
            midCol = keepX;
            midRow = 0;
        }
        if (!vertical) {
            return ints(src.mode(), keepWidth, keepHeight, mid);
        }
        int[] out = new int[keepHeight * keepWidth];
        for (int yy = 0; yy < keepHeight; yy++) {
            int top = (wv.first[yy] - midRow) * midStride + midCol, kOff = yy * wv.ksize;
            for (int x = 0; x < keepWidth; x++) {
                double ss = 0.0;
                for (int y = 0; y < wv.taps[yy]; y++) {
                    ss += mid[top + y * midStride + x] * wv.weights[kOff + y];
                }
                out[yy * keepWidth + x] = Math.clamp(roundUp(ss), lo, hi);
            }
        }
        return ints(src.mode(), keepWidth, keepHeight, out);
    }

    private static PixelImage ints(PixelImage.Mode mode, int width, int height, int[] values) {
        return mode == PixelImage.Mode.I16
                ? PixelImage.ofUint16(width, height, values)
                : PixelImage.ofInts(width, height, values);
    }

    // ---------------------------------------------------------------- nearest (P, 1)

    /**
     * ImagingScaleAffine: output pixel x reads input {@code (int)(x0 + x*step)} with
     * {@code x0 = step/2}, the position accumulated by repeated addition as Pillow does
     * (which can differ from the product in the last bit); outside the input it is 0.
     */
    private static PixelImage nearest(PixelImage src, int outWidth, int outHeight,
                                      int keepX, int keepY, int keepWidth, int keepHeight) {
        int w = src.width(), bands = src.mode().bands;
        int[] xin = nearestIndices(w, outWidth, keepX, keepWidth);
        int[] yin = nearestIndices(src.height(), outHeight, keepY, keepHeight);
        byte[] in = src.samples();
        byte[] out = new byte[keepWidth * keepHeight * bands];
        for (int y = 0; y < keepHeight; y++) {
            if (yin[y] < 0) {
                continue;
            }
            for (int x = 0; x < keepWidth; x++) {
                if (xin[x] >= 0) {
                    System.arraycopy(in, (yin[y] * w + xin[x]) * bands, out, (y * keepWidth + x) * bands, bands);
                }
            }
        }
        return src.withSamples(keepWidth, keepHeight, out);
    }

    /** Input index for outputs {@code from .. from+count-1}, or -1 outside the input. */
    private static int[] nearestIndices(int inSize, int outSize, int from, int count) {
        double step = (double) inSize / outSize;
        double pos = step * 0.5;
        int[] index = new int[count];
        for (int x = 0; x < from + count; x++) {
            if (x >= from) {
                int i = pos < 0.0 ? -1 : (int) pos;
                index[x - from] = i < inSize ? i : -1;
            }
            pos += step;
        }
        return index;
    }

    // ---------------------------------------------------------------- premultiplied alpha

    /** Pillow's RGBA to RGBa (and LA to La): each color times alpha/255, rounded as MULDIV255. */
    private static PixelImage premultiply(PixelImage src) {
        byte[] in = src.samples();
        byte[] out = new byte[in.length];
        int bands = src.mode().bands;
        for (int p = 0; p < in.length; p += bands) {
            int alpha = in[p + bands - 1] & 0xFF;
            for (int c = 0; c < bands - 1; c++) {
                int t = (in[p + c] & 0xFF) * alpha + 128;
                out[p + c] = (byte) (((t >> 8) + t) >> 8);
            }
            out[p + bands - 1] = (byte) alpha;
        }
        return src.withSamples(src.width(), src.height(), out);
    }

    /** Pillow's RGBa to RGBA (and La to LA): colors times 255/alpha, truncated and clamped; alpha 0 or 255 kept as is. */
    private static PixelImage unpremultiply(PixelImage src) {
        byte[] s = src.samples();
        int bands = src.mode().bands;
        for (int p = 0; p < s.length; p += bands) {
            int alpha = s[p + bands - 1] & 0xFF;
            if (alpha == 0 || alpha == 255) {
                continue;
            }
            for (int c = 0; c < bands - 1; c++) {
                s[p + c] = (byte) Math.min(255 * (s[p + c] & 0xFF) / alpha, 255);
            }
        }
        return src;
    }
}
