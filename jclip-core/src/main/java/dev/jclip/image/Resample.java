package dev.jclip.image;

/**
 * Pillow's {@code Image.resize(size, filter)}, bit for bit (libImaging's Resample.c
 * and Geometry.c, unchanged from Pillow 9.4 to 12), and torch's antialiased
 * {@code interpolate} of uint8 images (what torchvision's tensor {@code resize} runs),
 * computing only a window of the output: CLIP crops the resized image at once, and
 * every output pixel depends only on the input, so the pixels a crop throws away
 * need not be computed.
 *
 * <p>Both are separable: a horizontal pass over the input rows the vertical pass
 * needs, rounded to 8 bits, then a vertical pass, rounded again. When shrinking, the
 * filter is stretched by the scale factor (antialiasing). Weights are normalized to
 * sum 1 and turned into fixed point; sums start at half an output unit and are
 * clamped to 0..255. Pillow uses 22 fraction bits; torch uses int16 weights with as
 * many fraction bits as the largest weight of the axis allows, so the two round
 * differently (up to one unit per pass). Pillow resizes modes with alpha
 * premultiplied, palette and bilevel images nearest-neighbour and modes I and I;16 in double.
 */
final class Resample {
    private Resample() {}

    /** Pillow's fraction bits: 32 bits less 8 for the result and 2 for overshoot and sign. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Whose fixed-point arithmetic a resize reproduces. */
    enum Arithmetic { PILLOW, TORCH }

    /** Pillow's {@code resize((outWidth, outHeight), BICUBIC)} of the whole image. */
    public static PixelImage resize(PixelImage src, int outWidth, int outHeight) {
        return resize(src, Interpolation.BICUBIC, outWidth, outHeight, 0, 0, outWidth, outHeight);
    }

    /**
     * The window {@code (keepX, keepY, keepWidth, keepHeight)} of Pillow's
     * {@code resize((outWidth, outHeight), BICUBIC)}: the same pixels as resizing and
     * then cropping.
     */
    public static PixelImage resize(PixelImage src, int outWidth, int outHeight,
                                    int keepX, int keepY, int keepWidth, int keepHeight) {
        return resize(src, Interpolation.BICUBIC, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
    }

    /**
     * The window {@code (keepX, keepY, keepWidth, keepHeight)} of Pillow's
     * {@code resize((outWidth, outHeight), filter)}, in the image's own mode.
     */
    public static PixelImage resize(PixelImage src, Interpolation filter, int outWidth, int outHeight,
                                    int keepX, int keepY, int keepWidth, int keepHeight) {
        checkWindow(outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
        if (outWidth == src.width() && outHeight == src.height()) {
            return src.crop(keepX, keepY, keepWidth, keepHeight);
        }
        return switch (src.mode()) {
            case ONE, P -> nearest(src, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
            case LA, RGBA -> unpremultiply(inPillowsOrder(premultiply(src), filter, outWidth, outHeight,
                    keepX, keepY, keepWidth, keepHeight));
            case L, RGB, CMYK, I, I16 -> inPillowsOrder(src, filter, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
        };
    }

    /**
     * {@link #resample} in the passes Pillow's {@code Image.resize} runs: one call (width, then
     * height) but for an image over 100 times taller than wide that gets shorter, which it
     * shrinks in two calls, height first, rounding differently. Alpha stays premultiplied between
     * the two, as in Pillow.
     */
    private static PixelImage inPillowsOrder(PixelImage src, Interpolation filter, int outWidth, int outHeight,
                                            int keepX, int keepY, int keepWidth, int keepHeight) {
        if (!oneCall(src.width(), src.height(), outWidth, outHeight)) {
            PixelImage rows = resample(src, filter, src.width(), outHeight, 0, keepY, src.width(), keepHeight);
            return resample(rows, filter, outWidth, keepHeight, keepX, 0, keepWidth, keepHeight);
        }
        return resample(src, filter, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
    }

    /** One call of libImaging's resample in the image's own (8-bit, I or I;16) arithmetic. */
    private static PixelImage resample(PixelImage src, Interpolation filter, int outWidth, int outHeight,
                                       int keepX, int keepY, int keepWidth, int keepHeight) {
        return switch (src.mode()) {
            case I -> resampleInt(src, filter, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight,
                    Integer.MIN_VALUE, Integer.MAX_VALUE);
            // Pillow 12's 16-bit passes (Resample.c, _16bpc): the same double sums, clamped to 16 bits each pass.
            case I16 -> resampleInt(src, filter, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight, 0, 0xFFFF);
            default -> resample8(src, filter, Arithmetic.PILLOW, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
        };
    }

    /**
     * The window {@code (keepX, keepY, keepWidth, keepHeight)} of torch's
     * {@code interpolate(x, (outHeight, outWidth), mode, antialias=True)} of a uint8
     * image, which is what torchvision's {@code resize} of a uint8 tensor runs (with
     * AVX2 and without; the integer arithmetic is the same). Only L and RGB images:
     * torch resizes every channel alike, with no premultiplied alpha or palette.
     */
    public static PixelImage resizeAsTorch(PixelImage src, Interpolation filter, int outWidth, int outHeight,
                                           int keepX, int keepY, int keepWidth, int keepHeight) {
        if (src.mode() != PixelImage.Mode.RGB && src.mode() != PixelImage.Mode.L) {
            throw new IllegalArgumentException("torch's uint8 resize takes L or RGB images, got " + src.mode());
        }
        checkWindow(outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
        if (outWidth == src.width() && outHeight == src.height()) {
            return src.crop(keepX, keepY, keepWidth, keepHeight);
        }
        return resample8(src, filter, Arithmetic.TORCH, outWidth, outHeight, keepX, keepY, keepWidth, keepHeight);
    }

    private static void checkWindow(int outWidth, int outHeight, int keepX, int keepY, int keepWidth, int keepHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outWidth + "x" + outHeight);
        }
        if (keepX < 0 || keepY < 0 || keepWidth <= 0 || keepHeight <= 0
                || keepX + keepWidth > outWidth || keepY + keepHeight > outHeight) {
            throw new IllegalArgumentException("window (" + keepX + ", " + keepY + ", " + keepWidth + "x"
                    + keepHeight + ") is not inside the " + outWidth + "x" + outHeight + " output");
        }
    }

    // ---------------------------------------------------------------- filter weights

    /**
     * Filter weights for output positions {@code from .. from+count-1} of a resize from
     * {@code inSize} to {@code outSize} ({@code precompute_coeffs}): output i reads
     * inputs {@code first[i] .. first[i]+taps[i]-1} with weights
     * {@code weights[i*ksize ..]}, normalized to sum 1, and uses {@code precision}
     * fraction bits in fixed point.
     */
    record Weights(int ksize, int[] first, int[] taps, double[] weights, int precision) {
        /** First input index any output reads. */
        int lo() {
            return first[0];
        }

        /** One past the last input index any output reads (outputs read increasing ranges). */
        int hi() {
            int last = first.length - 1;
            return first[last] + taps[last];
        }

        /** The largest normalized weight. */
        double maxWeight() {
            double max = 0.0;
            for (double w : weights) {
                max = Math.max(max, w);
            }
            return max;
        }

        /** The weights in fixed point, rounded half away from zero (Pillow and torch alike). */
        int[] fixedPoint() {
            int[] k = new int[weights.length];
            for (int i = 0; i < k.length; i++) {
                double w = weights[i] * (1 << precision);
                k[i] = (int) (w < 0 ? -0.5 + w : 0.5 + w);
            }
            return k;
        }
    }

    private static Weights weights(Interpolation filter, Arithmetic arithmetic, int inSize, int outSize,
                                   int from, int count) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[count];
        int[] taps = new int[count];
        double[] weights = new double[count * ksize];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < count; i++) {
            double center = (from + i + 0.5) * scale;
            // Both round the support window's ends with (int)(v + 0.5), truncating toward zero.
            int xmin = Math.max((int) (center - support + 0.5), 0);
            // torch clamps the tap count to ksize (float rounding could add one); Pillow never exceeds it.
            int n = Math.min(Math.min((int) (center + support + 0.5), inSize) - xmin, ksize);
            double sum = 0.0;
            for (int x = 0; x < n; x++) {
                double t = (x + xmin - center + 0.5) * ss;
                double w = arithmetic == Arithmetic.PILLOW ? filter.pillowKernel(t) : filter.torchKernel(t);
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
        Weights window = new Weights(ksize, first, taps, weights, PRECISION_BITS);
        if (arithmetic == Arithmetic.PILLOW) {
            return window;
        }
        // torch sizes its int16 weights by the largest weight of the whole axis, not just the window.
        Weights axis = from == 0 && count == outSize ? window : weights(filter, arithmetic, inSize, outSize, 0, outSize);
        return new Weights(ksize, first, taps, weights, torchPrecision(axis.maxWeight()));
    }

    /**
     * torch's {@code _compute_index_ranges_int16_weights}: the most fraction bits, up
     * to 22, that keep the largest weight (rounded) within int16.
     */
    private static int torchPrecision(double maxWeight) {
        int precision = 0;
        while (precision < 22 && (int) (0.5 + maxWeight * (1 << (precision + 1))) < (1 << 15)) {
            precision++;
        }
        return precision;
    }

    // ---------------------------------------------------------------- 8-bit passes

    private static PixelImage resample8(PixelImage src, Interpolation filter, Arithmetic arithmetic,
                                        int outWidth, int outHeight, int keepX, int keepY, int keepWidth, int keepHeight) {
        int w = src.width(), h = src.height(), bands = src.mode().bands;
        if (outWidth == w && outHeight == h) {
            throw new AssertionError("same-size resize is a crop");
        }
        RowResampler resampler = rowResampler(filter, arithmetic, bands, w, h, outWidth, outHeight,
                keepX, keepY, keepWidth, keepHeight);
        byte[] in = src.samples();
        for (int y = resampler.rowLo(); y < resampler.rowHi(); y++) {
            resampler.acceptInterleaved(y, in, y * w * bands);
        }
        return src.withSamples(keepWidth, keepHeight, resampler.finish());
    }

    /**
     * A {@link RowResampler} for Pillow's (or torch's) one-call 8-bit resize of a {@code width x height}
     * image with {@code bands} samples per pixel to {@code outWidth x outHeight}, keeping a window.
     */
    static RowResampler rowResampler(Interpolation filter, Arithmetic arithmetic, int bands, int width, int height,
                                     int outWidth, int outHeight, int keepX, int keepY, int keepWidth, int keepHeight) {
        Weights wh = outWidth != width ? weights(filter, arithmetic, width, outWidth, keepX, keepWidth) : null;
        Weights wv = outHeight != height ? weights(filter, arithmetic, height, outHeight, keepY, keepHeight) : null;
        return new RowResampler(bands, width, height, wh, wv, keepX, keepY, keepWidth, keepHeight);
    }

    /**
     * Whether Pillow's {@code resize} runs as one call of its resample (which {@link RowResampler}
     * streams): all but an image over 100 times taller than wide that gets shorter.
     */
    static boolean oneCall(int width, int height, int outWidth, int outHeight) {
        return !(height > width * 100L && outHeight < height && outWidth != width);
    }

    // ---------------------------------------------------------------- mode I (double)

    /** Pillow's ROUND_UP: round half away from zero. */
    private static int roundUp(double v) {
        return (int) (v >= 0.0 ? v + 0.5f : v - 0.5f);
    }

    /** Mode I or I;16 in double, each pass rounded and clamped to {@code lo .. hi}. */
    private static PixelImage resampleInt(PixelImage src, Interpolation filter, int outWidth, int outHeight,
                                          int keepX, int keepY, int keepWidth, int keepHeight, int lo, int hi) {
        int w = src.width(), h = src.height();
        boolean horizontal = outWidth != w, vertical = outHeight != h;
        Weights wv = vertical ? weights(filter, Arithmetic.PILLOW, h, outHeight, keepY, keepHeight) : null;
        int rowLo = vertical ? wv.lo() : keepY;
        int rowHi = vertical ? wv.hi() : keepY + keepHeight;
        int[] in = src.ints();

        int[] mid;
        int midStride, midCol, midRow;
        if (horizontal) {
            Weights wh = weights(filter, Arithmetic.PILLOW, w, outWidth, keepX, keepWidth);
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
