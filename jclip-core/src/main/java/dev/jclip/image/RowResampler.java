package dev.jclip.image;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
    /** Eight int lanes (the sums of eight outputs at once), and their eight bytes. */
    private static final VectorSpecies<Integer> S8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    /** Whether the machine's vectors hold eight ints; narrower ones compute one output at a time. */
    private static final boolean EIGHTS = S.vectorBitSize() >= 256;
    /** {@link #eight}'s lanes taken from y and its swap of neighbouring groups, per round of folding. */
    private static final VectorMask<Integer> FROM_Y0 = fromY(4), FROM_Y1 = fromY(2), FROM_Y2 = fromY(1);
    private static final VectorShuffle<Integer> SWAP0 = swap(4), SWAP1 = swap(2), SWAP2 = swap(1);

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
    /**
     * The rows {@code rowLo .. rowHi-1} after the horizontal pass, {@code keepWidth * bands} each,
     * band after band (the vertical pass treats every column alike; {@link #finish} interleaves).
     */
    private final byte[] mid;
    private int[][] planes;
    private final int[] eightSums = new int[8];

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

    private static VectorMask<Integer> fromY(int group) {
        return VectorMask.fromLong(S8, group == 4 ? 0xF0 : group == 2 ? 0xCC : 0xAA);
    }

    private static VectorShuffle<Integer> swap(int group) {
        return VectorShuffle.fromOp(S8, i -> i ^ group);
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
            for (int b = 0; b < bands; b++, o += keepWidth) {
                int[] p = planes[b];
                for (int x = 0; x < keepWidth; x++) {
                    mid[o + x] = (byte) p[keepX + x];
                }
            }
            return;
        }
        int precision = wh.precision(), half = 1 << (precision - 1), lanes = S.length();
        int[] first = wh.first();
        // Eight outputs of a band at a time pay off where the reductions dominate: two vectors of
        // taps at most (shrinking up to about 3.5 times); with more taps, one output's three bands
        // sharing each load of the weights do better.
        if (EIGHTS && kp <= 16 || bands != 3) {
            for (int b = 0; b < bands; b++, o += keepWidth) {
                int[] p = planes[b];
                int xx = 0;
                if (EIGHTS && kp <= 16) {
                    for (; xx <= keepWidth - 8; xx += 8) {
                        eight(p, xx, o);
                    }
                }
                for (; xx < keepWidth; xx++) {
                    int f = first[xx], kx = xx * kp;
                    IntVector acc = IntVector.fromArray(S, p, f).mul(IntVector.fromArray(S, k, kx));
                    for (int t = lanes; t < kp; t += lanes) {
                        acc = acc.add(IntVector.fromArray(S, p, f + t).mul(IntVector.fromArray(S, k, kx + t)));
                    }
                    mid[o + xx] = clip8(half + acc.reduceLanes(VectorOperators.ADD), precision);
                }
            }
            return;
        }
        int[] r = planes[0], g = planes[1], bl = planes[2];
        for (int xx = 0; xx < keepWidth; xx++) {
            int f = first[xx], kx = xx * kp;
            IntVector sr = IntVector.zero(S), sg = IntVector.zero(S), sb = IntVector.zero(S);
            for (int t = 0; t < kp; t += lanes) {
                IntVector w = IntVector.fromArray(S, k, kx + t);
                sr = sr.add(IntVector.fromArray(S, r, f + t).mul(w));
                sg = sg.add(IntVector.fromArray(S, g, f + t).mul(w));
                sb = sb.add(IntVector.fromArray(S, bl, f + t).mul(w));
            }
            mid[o + xx] = clip8(half + sr.reduceLanes(VectorOperators.ADD), precision);
            mid[o + keepWidth + xx] = clip8(half + sg.reduceLanes(VectorOperators.ADD), precision);
            mid[o + 2 * keepWidth + xx] = clip8(half + sb.reduceLanes(VectorOperators.ADD), precision);
        }
    }

    /**
     * Outputs {@code xx .. xx+7} of one band's row into {@code mid[o + xx ..]}: eight dot products
     * side by side, then their eight sums at once, lane j the sum of product j, by three rounds
     * of folding two vectors into one instead of eight reductions of a vector each: in a round,
     * the lanes of x and y in groups (of 4, 2, then 1 lanes) alternately x's and y's become
     * pairwise sums, x's group plus its neighbour group of x where the group is x's, y's likewise.
     */
    private void eight(int[] p, int xx, int o) {
        int[] first = wh.first();
        int f0 = first[xx], f1 = first[xx + 1], f2 = first[xx + 2], f3 = first[xx + 3];
        int f4 = first[xx + 4], f5 = first[xx + 5], f6 = first[xx + 6], f7 = first[xx + 7];
        int kx = xx * kp;
        IntVector a0 = IntVector.zero(S8), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = 0; t < kp; t += 8, kx += 8) {
            a0 = a0.add(IntVector.fromArray(S8, p, f0 + t).mul(IntVector.fromArray(S8, k, kx)));
            a1 = a1.add(IntVector.fromArray(S8, p, f1 + t).mul(IntVector.fromArray(S8, k, kx + kp)));
            a2 = a2.add(IntVector.fromArray(S8, p, f2 + t).mul(IntVector.fromArray(S8, k, kx + 2 * kp)));
            a3 = a3.add(IntVector.fromArray(S8, p, f3 + t).mul(IntVector.fromArray(S8, k, kx + 3 * kp)));
            a4 = a4.add(IntVector.fromArray(S8, p, f4 + t).mul(IntVector.fromArray(S8, k, kx + 4 * kp)));
            a5 = a5.add(IntVector.fromArray(S8, p, f5 + t).mul(IntVector.fromArray(S8, k, kx + 5 * kp)));
            a6 = a6.add(IntVector.fromArray(S8, p, f6 + t).mul(IntVector.fromArray(S8, k, kx + 6 * kp)));
            a7 = a7.add(IntVector.fromArray(S8, p, f7 + t).mul(IntVector.fromArray(S8, k, kx + 7 * kp)));
        }
        // Written out, not in a helper: a vector passed to a method the JIT does not inline is boxed.
        // Halves: lanes 0-3 of b0 hold a0's partial sums, lanes 4-7 a4's; and so on.
        IntVector b0 = a0.blend(a4, FROM_Y0).add(a4.blend(a0, FROM_Y0).rearrange(SWAP0));
        IntVector b1 = a1.blend(a5, FROM_Y0).add(a5.blend(a1, FROM_Y0).rearrange(SWAP0));
        IntVector b2 = a2.blend(a6, FROM_Y0).add(a6.blend(a2, FROM_Y0).rearrange(SWAP0));
        IntVector b3 = a3.blend(a7, FROM_Y0).add(a7.blend(a3, FROM_Y0).rearrange(SWAP0));
        // Quarters: c0 holds a0, a2, a4, a6 two lanes each; c1 a1, a3, a5, a7.
        IntVector c0 = b0.blend(b2, FROM_Y1).add(b2.blend(b0, FROM_Y1).rearrange(SWAP1));
        IntVector c1 = b1.blend(b3, FROM_Y1).add(b3.blend(b1, FROM_Y1).rearrange(SWAP1));
        IntVector sums = c0.blend(c1, FROM_Y2).add(c1.blend(c0, FROM_Y2).rearrange(SWAP2));
        int precision = wh.precision();
        sums.add(1 << (precision - 1)).lanewise(VectorOperators.ASHR, precision).max(0).min(255).intoArray(eightSums, 0);
        for (int j = 0; j < 8; j++) {
            mid[o + xx + j] = (byte) eightSums[j];
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
        int n = keepWidth * bands;
        byte[] out = new byte[keepHeight * n];
        if (wv == null) {
            for (int yy = 0; yy < keepHeight; yy++) {
                interleave(mid, yy * n, out, yy * n);
            }
            return out;
        }
        int ksize = wv.ksize(), precision = wv.precision(), half = 1 << (precision - 1);
        int[] kv = wv.fixedPoint();
        byte[] row = new byte[n];
        for (int yy = 0; yy < keepHeight; yy++) {
            int taps = wv.taps()[yy], p0 = (wv.first()[yy] - rowLo) * n, k0 = yy * ksize;
            int i = 0;
            for (; i <= n - B8.length(); i += B8.length()) {
                IntVector ss = IntVector.broadcast(S8, half);
                for (int y = 0, p = p0 + i; y < taps; y++, p += n) {
                    ss = ss.add(widen(ByteVector.fromArray(B8, mid, p)).mul(kv[k0 + y]));
                }
                toBytes(ss, precision).intoArray(row, i);
            }
            for (; i < n; i++) {
                int ss = half;
                for (int y = 0, p = p0 + i; y < taps; y++, p += n) {
                    ss += (mid[p] & 0xFF) * kv[k0 + y];
                }
                row[i] = clip8(ss, precision);
            }
            interleave(row, 0, out, yy * n);
        }
        return out;
    }

    /** One row of band planes ({@code keepWidth} samples each) from {@code src[s]} into pixels at {@code dst[d]}. */
    private void interleave(byte[] src, int s, byte[] dst, int d) {
        for (int b = 0; b < bands; b++, s += keepWidth) {
            for (int x = 0; x < keepWidth; x++) {
                dst[d + x * bands + b] = src[s + x];
            }
        }
    }

    /** {@link #clip8} of eight sums. */
    private static ByteVector toBytes(IntVector sums, int precision) {
        return (ByteVector) sums.lanewise(VectorOperators.ASHR, precision).max(0).min(255)
                .convertShape(VectorOperators.I2B, B8, 0);
    }

    private static IntVector widen(ByteVector v) {
        return ((IntVector) v.convertShape(VectorOperators.B2I, S8, 0)).and(0xFF);
    }

    /** Clamp the fixed-point sum's integer part to a byte (Pillow's clip8; torch saturates the same). */
    private static byte clip8(int sum, int precision) {
        return (byte) Math.clamp(sum >> precision, 0, 255);
    }
}
