package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector resample (eight outputs of a band at a time with their sums folded, one output's
 * bands at a time, the vertical pass in lanes) against libImaging's ImagingResample written out
 * plainly here, one sample at a time: bicubic weights (precompute_coeffs, normalize_coeffs_8bpc),
 * the horizontal pass rounded to 8 bits, then the vertical one; windows of the output cut from the
 * whole. Shrinking from under 2 to about 13 times and enlarging cover every path, in L, RGB and
 * CMYK, with widths that leave a remainder after the groups of eight.
 */
class RowResamplerTest {
    private static final int PRECISION = 22;

    private static double bicubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Per output: {xmin, xmax (count), fixed-point weights...}. */
    private static int[][] coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize, filterScale = Math.max(scale, 1.0), support = 2.0 * filterScale;
        int[][] out = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale, ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[xmax];
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = bicubic((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            out[xx] = new int[2 + xmax];
            out[xx][0] = xmin;
            out[xx][1] = xmax;
            for (int x = 0; x < xmax; x++) {
                double w = (ww != 0 ? k[x] / ww : k[x]) * (1 << PRECISION);
                out[xx][2 + x] = (int) (w < 0 ? -0.5 + w : 0.5 + w);
            }
        }
        return out;
    }

    private static int clip8(int ss) {
        return Math.clamp(ss >> PRECISION, 0, 255);
    }

    /** Pillow's one-call resize of interleaved samples, horizontal then vertical, each pass skipped when its size stays. */
    private static byte[] pillow(byte[] in, int bands, int w, int h, int outW, int outH) {
        byte[] rows = in;
        if (outW != w) {
            int[][] c = coefficients(w, outW);
            rows = new byte[h * outW * bands];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < outW; xx++) {
                    for (int b = 0; b < bands; b++) {
                        int ss = 1 << (PRECISION - 1);
                        for (int x = 0; x < c[xx][1]; x++) {
                            ss += (in[(y * w + c[xx][0] + x) * bands + b] & 0xFF) * c[xx][2 + x];
                        }
                        rows[(y * outW + xx) * bands + b] = (byte) clip8(ss);
                    }
                }
            }
        }
        if (outH == h) {
            return rows;
        }
        int[][] c = coefficients(h, outH);
        byte[] out = new byte[outH * outW * bands];
        for (int yy = 0; yy < outH; yy++) {
            for (int i = 0; i < outW * bands; i++) {
                int ss = 1 << (PRECISION - 1);
                for (int y = 0; y < c[yy][1]; y++) {
                    ss += (rows[(c[yy][0] + y) * outW * bands + i] & 0xFF) * c[yy][2 + y];
                }
                out[yy * outW * bands + i] = (byte) clip8(ss);
            }
        }
        return out;
    }

    private static byte[] window(byte[] image, int bands, int width, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * bands];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image, ((y0 + y) * width + x0) * bands, out, y * w * bands, w * bands);
        }
        return out;
    }

    @Test
    void windowsMatchPillowsResampleWrittenOut() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] cases = {
            // w, h, outW, outH
            {37, 23, 21, 13}, {97, 61, 40, 25}, {300, 41, 100, 20}, {640, 48, 187, 14}, {1203, 40, 224, 9},
            {2592, 30, 199, 3}, {19, 17, 45, 33}, {64, 64, 64, 19}, {50, 77, 23, 77}, {203, 16, 224, 18}};
        for (PixelImage.Mode mode : new PixelImage.Mode[] {PixelImage.Mode.L, PixelImage.Mode.RGB, PixelImage.Mode.CMYK}) {
            for (int[] c : cases) {
                int w = c[0], h = c[1], outW = c[2], outH = c[3], bands = mode.bands;
                byte[] samples = new byte[w * h * bands];
                rng.nextBytes(samples);
                PixelImage src = PixelImage.of(mode, w, h, samples);
                byte[] whole = pillow(samples, bands, w, h, outW, outH);
                int kx = outW / 5, ky = outH / 4, kw = outW - kx - outW / 7, kh = outH - ky;
                String what = mode + " " + w + "x" + h + " to " + outW + "x" + outH;
                assertArrayEquals(whole, Resample.resize(src, outW, outH, 0, 0, outW, outH).samples(), what);
                assertArrayEquals(window(whole, bands, outW, kx, ky, kw, kh),
                        Resample.resize(src, outW, outH, kx, ky, kw, kh).samples(), what + " window");
            }
        }
    }
}
