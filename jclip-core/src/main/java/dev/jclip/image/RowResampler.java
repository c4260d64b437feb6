package dev.jclip.image;

import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One call of libImaging's 8-bit resample (ImagingResampleHorizontal_8bpc, then
 * ImagingResampleVertical_8bpc) fed one input row at a time, so a decoder can hand over each
 * row as it is made and no full-size image is kept: each row the vertical pass reads is resized
 * horizontally as it arrives, rounded to 8 bits, and kept; {@link #finish} runs the vertical
 * pass over the kept rows. Only the window of the output that the caller keeps is computed.
 *
 * <p>Rows arrive as planes of int samples (one array per band). The horizontal sums are
 * integer dot products of a run of samples with the fixed-point weights, computed in vector
 * lanes; integer addition is associative, so the sums, and the pixels, are Pillow's exactly.
 */
final class RowResampler {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;

    private final int bands;
    private final int width;
    private final int keepX;
    private final int keepWidth;
    private final int keepHeight;
    /** Horizontal weights (null: the width is kept) and vertical ones (null: the height is kept). */
    private final Resample.Weights wh;
    private final Resample.Weights wv;
    /** The horizontal fixed-point weights, each output's padded with zeros to {@link #kp} (a lane multiple). */
    private final int[] k;
    private final int kp;
    private final int rowLo;
    private final int rowHi;
    private final int colLo;
    private final int colHi;
    /** The rows {@code rowLo .. rowHi-1} after the horizontal pass, interleaved, {@code keepWidth * bands} each. */
    private final byte[] mid;
    private int[][] planes;

    /**
     * A resample of a {@code width x height} image with {@code bands} samples per pixel, keeping
     * the window {@code (keepX, keepY, keepWidth, keepHeight)} of the output; {@code wh} and
     * {@code wv} are the weights of the kept window (null for an axis that is not resized).
     */
    RowResampler(int bands, int width, int height, Resample.Weights wh, Resample.Weights wv,
                 int keepX, int keepY, int keepWidth, int keepHeight) {
        this.bands = bands;
        this.width = width;
        this.keepX = keepX;
        this.keepWidth = keepWidth;
        this.keepHeight = keepHeight;
        this.wh = wh;
        this.wv = wv;
        rowLo = wv != null ? wv.lo() : keepY;
        rowHi = wv != null ? wv.hi() : keepY + keepHeight;
        colLo = wh != null ? wh.lo() : keepX;
        colHi = wh != null ? wh.hi() : keepX + keepWidth;
        if (rowLo < 0 || rowHi > height || colLo < 0 || colHi > width) {
            throw new IllegalArgumentException("resample window outside the " + width + "x" + height + " image");
        }
        if (wh != null) {
            int lanes = S.length();
            kp = (wh.ksize() + lanes - 1) / lanes * lanes;
            int[] fixed = wh.fixedPoint();
            k = new int[keepWidth * kp];
            for (int xx = 0; xx < keepWidth; xx++) {
                System.arraycopy(fixed, xx * wh.ksize(), k, xx * kp, wh.taps()[xx]);
            }
        } else {
            kp = 0;
            k = null;
        }
        mid = new byte[Math.multiplyExact(rowHi - rowLo, keepWidth * bands)];
    }

    /** Width of the kept window. */
    int keepWidth() {
        return keepWidth;
    }

    /** Height of the kept window. */
    int keepHeight() {
        return keepHeight;
    }

    /** The first input row the output reads. */
    int rowLo() {
        return rowLo;
    }

    /** One past the last input row the output reads. */
    int rowHi() {
        return rowHi;
    }

    /** The first input column the output reads. */
    int colLo() {
        return colLo;
    }

    /** One past the last input column the output reads. */
    int colHi() {
        return colHi;
    }

    /**
     * Planes to fill with a row: {@code planes()[b][x]} is band b of pixel x for x in
     * {@code colLo() .. colHi()-1}; the arrays are longer than the row (the vector loads run past it).
     */
    int[][] planes() {
        if (planes == null) {
            planes = new int[bands][width + kp];
        }
        return planes;
    }

    /** Input row {@code y} (in {@code rowLo() .. rowHi()-1}), already written into {@link #planes()}. */
    void acceptPlanes(int y) {
        int o = (y - rowLo) * keepWidth * bands;
        if (wh == null) {
            for (int b = 0; b < bands; b++) {
                int[] p = planes[b];
                for (int x = 0; x < keepWidth; x++) {
                    mid[o + x * bands + b] = (byte) p[keepX + x];
                }
            }
            return;
        }
        int precision = wh.precision(), half = 1 << (precision - 1), lanes = S.length();
        int[] first = wh.first();
        if (bands == 3) {
            // RGB, the common case: the three dot products share each load of the weights.
            int[] r = planes[0], g = planes[1], bl = planes[2];
            for (int xx = 0; xx < keepWidth; xx++, o += 3) {
                int f = first[xx], kx = xx * kp;
                IntVector sr = IntVector.zero(S), sg = IntVector.zero(S), sb = IntVector.zero(S);
                for (int t = 0; t < kp; t += lanes) {
                    IntVector w = IntVector.fromArray(S, k, kx + t);
                    sr = sr.add(IntVector.fromArray(S, r, f + t).mul(w));
                    sg = sg.add(IntVector.fromArray(S, g, f + t).mul(w));
                    sb = sb.add(IntVector.fromArray(S, bl, f + t).mul(w));
                }
                mid[o] = clip8(half + sr.reduceLanes(VectorOperators.ADD), precision);
                mid[o + 1] = clip8(half + sg.reduceLanes(VectorOperators.ADD), precision);
                mid[o + 2] = clip8(half + sb.reduceLanes(VectorOperators.ADD), precision);
            }
            return;
        }
        for (int b = 0; b < bands; b++) {
            int[] p = planes[b];
            for (int xx = 0; xx < keepWidth; xx++) {
                int f = first[xx], kx = xx * kp;
                IntVector acc = IntVector.fromArray(S, p, f).mul(IntVector.fromArray(S, k, kx));
                for (int t = lanes; t < kp; t += lanes) {
                    acc = acc.add(IntVector.fromArray(S, p, f + t).mul(IntVector.fromArray(S, k, kx + t)));
                }
                mid[o + xx * bands + b] = clip8(half + acc.reduceLanes(VectorOperators.ADD), precision);
            }
        }
    }

    /** Input row {@code y} as interleaved 8-bit samples starting at {@code samples[offset]} (pixel 0). */
    void acceptInterleaved(int y, byte[] samples, int offset) {
        int[][] p = planes();
        for (int b = 0; b < bands; b++) {
            int[] plane = p[b];
            for (int x = colLo, i = offset + colLo * bands + b; x < colHi; x++, i += bands) {
                plane[x] = samples[i] & 0xFF;
            }
        }
        acceptPlanes(y);
    }

    /** The kept window after the vertical pass, interleaved; every row it reads must have been accepted. */
    byte[] finish() {
        if (wv == null) {
            return mid;
        }
        int n = keepWidth * bands, ksize = wv.ksize(), precision = wv.precision(), half = 1 << (precision - 1);
        int[] kv = wv.fixedPoint();
        byte[] out = new byte[keepHeight * n];
        int[] ss = new int[n];
        for (int yy = 0; yy < keepHeight; yy++) {
            Arrays.fill(ss, half);
            for (int y = 0; y < wv.taps()[yy]; y++) {
                int w = kv[yy * ksize + y];
                int p = (wv.first()[yy] - rowLo + y) * n;
                for (int i = 0; i < n; i++) {
                    ss[i] += (mid[p + i] & 0xFF) * w;
                }
            }
            for (int i = 0; i < n; i++) {
                out[yy * n + i] = clip8(ss[i], precision);
            }
        }
        return out;
    }

    /** Clamp the fixed-point sum's integer part to a byte (Pillow's clip8; torch saturates the same). */
    private static byte clip8(int sum, int precision) {
        return (byte) Math.clamp(sum >> precision, 0, 255);
    }
}
