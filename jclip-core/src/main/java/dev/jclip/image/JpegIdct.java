package dev.jclip.image;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * libjpeg-turbo's accurate integer inverse DCT (jidctint.c, JDCT_ISLOW, the default that Pillow
 * keeps): dequantization, a column pass to a workspace with 2 extra bits, a row pass, and the
 * post-IDCT range limit, all in the same integer arithmetic so every sample matches.
 *
 * <p>Both passes are integer-linear up to their final descale, so any evaluation order gives the
 * same sums, and 32-bit lanes give them exactly whenever the sums fit in 32 bits. The vector path
 * runs the column pass as the butterfly with the 8 columns in the lanes, and the row pass as the
 * butterfly's integer matrix times each row (so no transpose is needed); a block whose inputs
 * are too large for 32-bit sums (only corrupt or pathological data) takes the 64-bit scalar path.
 */
final class JpegIdct {
    private static final int CONST_BITS = 13;
    private static final int PASS1_BITS = 2;
    private static final long FIX_0_298631336 = 2446;
    private static final long FIX_0_390180644 = 3196;
    private static final long FIX_0_541196100 = 4433;
    private static final long FIX_0_765366865 = 6270;
    private static final long FIX_0_899976223 = 7373;
    private static final long FIX_1_175875602 = 9633;
    private static final long FIX_1_501321110 = 12299;
    private static final long FIX_1_847759065 = 15137;
    private static final long FIX_1_961570560 = 16069;
    private static final long FIX_2_053119869 = 16819;
    private static final long FIX_2_562915447 = 20995;
    private static final long FIX_3_072711026 = 25172;

    /**
     * libjpeg's post-IDCT range-limit table, indexed by {@code value & 1023} for a value centred
     * on 0: -128..127 map to 0..255, up to 511 saturate to 255, and what wraps around from
     * further out (only from corrupt coefficients) gives 0 or the low ramp, as in libjpeg.
     */
    private static final byte[] RANGE_LIMIT = new byte[1024];

    static {
        for (int i = 0; i < 1024; i++) {
            int v = i < 512 ? i : i - 1024;
            RANGE_LIMIT[i] = (byte) (v < -128 ? 0 : i >= 896 ? i - 896 : Math.min(v + 128, 255));
        }
    }

    /** Ints in a workspace ({@link #transform}'s {@code ws}). */
    static final int WORKSPACE = 192;
    private static final VectorSpecies<Integer> LANES = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_128;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
    /** Whether 8 int lanes are native here; elsewhere the scalar path is faster. */
    private static final boolean VECTOR = IntVector.SPECIES_PREFERRED.length() >= 8;
    /**
     * The largest input magnitude (dequantized coefficient, or workspace value) for which every
     * pass sum fits in 32 bits: each output of a pass is at most 178,219 times it (the sum of the
     * absolute values of the butterfly's matrix row), plus the rounding term.
     */
    private static final int LIMIT = 12_000;
    /** ROW_MATRIX[8k .. 8k+7]: the row pass's pre-descale output (lanes: columns 0..7) per unit of input k. */
    private static final int[] ROW_MATRIX = new int[64];

    static {
        long[] in = new long[8];
        long[] out = new long[8];
        for (int k = 0; k < 8; k++) {
            Arrays.fill(in, 0);
            in[k] = 1;
            butterfly(in, out);
            for (int c = 0; c < 8; c++) {
                ROW_MATRIX[8 * k + c] = Math.toIntExact(out[c]);
            }
        }
    }

    private JpegIdct() {
    }

    /** jidctint.c's 1-D butterfly (both passes), before the descale. */
    private static void butterfly(long[] in, long[] out) {
        long z2 = in[2];
        long z3 = in[6];
        long z1 = (z2 + z3) * FIX_0_541196100;
        long tmp2 = z1 - z3 * FIX_1_847759065;
        long tmp3 = z1 + z2 * FIX_0_765366865;
        long tmp0 = (in[0] + in[4]) << CONST_BITS;
        long tmp1 = (in[0] - in[4]) << CONST_BITS;
        long tmp10 = tmp0 + tmp3;
        long tmp13 = tmp0 - tmp3;
        long tmp11 = tmp1 + tmp2;
        long tmp12 = tmp1 - tmp2;
        tmp0 = in[7];
        tmp1 = in[5];
        tmp2 = in[3];
        tmp3 = in[1];
        z1 = tmp0 + tmp3;
        z2 = tmp1 + tmp2;
        z3 = tmp0 + tmp2;
        long z4 = tmp1 + tmp3;
        long z5 = (z3 + z4) * FIX_1_175875602;
        z1 *= -FIX_0_899976223;
        z2 *= -FIX_2_562915447;
        z3 = z3 * -FIX_1_961570560 + z5;
        z4 = z4 * -FIX_0_390180644 + z5;
        tmp0 = tmp0 * FIX_0_298631336 + z1 + z3;
        tmp1 = tmp1 * FIX_2_053119869 + z2 + z4;
        tmp2 = tmp2 * FIX_3_072711026 + z2 + z3;
        tmp3 = tmp3 * FIX_1_501321110 + z1 + z4;
        out[0] = tmp10 + tmp3;
        out[7] = tmp10 - tmp3;
        out[1] = tmp11 + tmp2;
        out[6] = tmp11 - tmp2;
        out[2] = tmp12 + tmp1;
        out[5] = tmp12 - tmp1;
        out[3] = tmp13 + tmp0;
        out[4] = tmp13 - tmp0;
    }

    private static long descale(long x, int n) {
        return (x + (1L << (n - 1))) >> n;
    }

    /**
     * The block whose AC terms are all zero: {@link #transform}'s zero-column and zero-row
     * shortcuts make it one value, computed here directly.
     */
    static void transformDc(short dc, int quant, byte[] out, int o, int stride) {
        byte value = RANGE_LIMIT[(int) descale((dc * quant) << PASS1_BITS, PASS1_BITS + 3) & 1023];
        for (int row = 0; row < 8; row++, o += stride) {
            Arrays.fill(out, o, o + 8, value);
        }
    }

    /**
     * Inverse-transforms the block at {@code coefs[c..c+64)} (natural order) with {@code quant}
     * (natural order) into 8x8 samples at {@code out[o]}, rows {@code stride} apart;
     * {@code ws} is a workspace of {@link #WORKSPACE} ints.
     */
    static void transform(short[] coefs, int c, int[] quant, int[] ws, byte[] out, int o, int stride) {
        if (!VECTOR || !transformVector(coefs, c, quant, ws, out, o, stride)) {
            transformScalar(coefs, c, quant, ws, out, o, stride);
        }
    }

    /** The vector path; false (nothing written) when the block needs 64-bit sums. */
    private static boolean transformVector(short[] coefs, int c, int[] quant, int[] ws, byte[] out, int o,
                                           int stride) {
        int last = dequantize(coefs, c, quant, ws);
        if (last < 0) {
            return false;
        }
        columnPass(ws);
        if (!within(ws)) {
            return false;
        }
        rowPass(ws, out, o, stride, last);
        return true;
    }

    /**
     * The dequantized block into {@code ws}; returns the last column with a nonzero coefficient
     * (0 if none), or -1 if a value is too large for the vector path.
     */
    private static int dequantize(short[] coefs, int c, int[] quant, int[] ws) {
        IntVector max = IntVector.zero(LANES);
        for (int r = 0; r < 64; r += 8) {
            IntVector v = ((IntVector) ShortVector.fromArray(SHORTS, coefs, c + r)
                    .convertShape(VectorOperators.S2I, LANES, 0)).mul(IntVector.fromArray(LANES, quant, r));
            v.intoArray(ws, r);
            max = max.max(v.abs());
        }
        // abs(MIN_VALUE) stays negative: compare unsigned.
        if (max.compare(VectorOperators.UGT, LIMIT).anyTrue()) {
            return -1;
        }
        return Math.max(max.compare(VectorOperators.NE, 0).lastTrue(), 0);
    }

    private static boolean within(int[] ws) {
        IntVector max = IntVector.zero(LANES);
        for (int r = 0; r < 64; r += 8) {
            max = max.max(IntVector.fromArray(LANES, ws, r).abs());
        }
        return !max.compare(VectorOperators.UGT, LIMIT).anyTrue();
    }

    /**
     * The column pass in place in {@code ws} (row-major): the butterfly, each lane one column.
     * The even and odd halves are separate methods (so each compiles with its vector operations
     * inlined); they leave their four sums each in {@code ws[64..127]} and {@code ws[128..191]}.
     */
    private static void columnPass(int[] ws) {
        evenPart(ws);
        oddPart(ws);
        int shift = CONST_BITS - PASS1_BITS, round = 1 << (shift - 1);
        for (int i = 0; i < 4; i++) {
            IntVector even = IntVector.fromArray(LANES, ws, 64 + 8 * i);
            IntVector odd = IntVector.fromArray(LANES, ws, 128 + 8 * i);
            even.add(odd).add(round).lanewise(VectorOperators.ASHR, shift).intoArray(ws, 8 * i);
            even.sub(odd).add(round).lanewise(VectorOperators.ASHR, shift).intoArray(ws, 56 - 8 * i);
        }
    }

    /** tmp10, tmp11, tmp12, tmp13 of the butterfly, from inputs 0, 2, 4, 6. */
    private static void evenPart(int[] ws) {
        IntVector in0 = IntVector.fromArray(LANES, ws, 0);
        IntVector in2 = IntVector.fromArray(LANES, ws, 16);
        IntVector in4 = IntVector.fromArray(LANES, ws, 32);
        IntVector in6 = IntVector.fromArray(LANES, ws, 48);
        IntVector z1 = in2.add(in6).mul((int) FIX_0_541196100);
        IntVector tmp2 = z1.sub(in6.mul((int) FIX_1_847759065));
        IntVector tmp3 = z1.add(in2.mul((int) FIX_0_765366865));
        IntVector tmp0 = in0.add(in4).mul(1 << CONST_BITS);
        IntVector tmp1 = in0.sub(in4).mul(1 << CONST_BITS);
        tmp0.add(tmp3).intoArray(ws, 64);
        tmp1.add(tmp2).intoArray(ws, 72);
        tmp1.sub(tmp2).intoArray(ws, 80);
        tmp0.sub(tmp3).intoArray(ws, 88);
    }

    /** tmp3, tmp2, tmp1, tmp0 of the butterfly (the odd part), from inputs 1, 3, 5, 7. */
    private static void oddPart(int[] ws) {
        IntVector in1 = IntVector.fromArray(LANES, ws, 8);
        IntVector in3 = IntVector.fromArray(LANES, ws, 24);
        IntVector in5 = IntVector.fromArray(LANES, ws, 40);
        IntVector in7 = IntVector.fromArray(LANES, ws, 56);
        IntVector z1 = in7.add(in1);
        IntVector z2 = in5.add(in3);
        IntVector z3 = in7.add(in3);
        IntVector z4 = in5.add(in1);
        IntVector z5 = z3.add(z4).mul((int) FIX_1_175875602);
        z1 = z1.mul((int) -FIX_0_899976223);
        z2 = z2.mul((int) -FIX_2_562915447);
        z3 = z3.mul((int) -FIX_1_961570560).add(z5);
        z4 = z4.mul((int) -FIX_0_390180644).add(z5);
        in1.mul((int) FIX_1_501321110).add(z1).add(z4).intoArray(ws, 128);
        in3.mul((int) FIX_3_072711026).add(z2).add(z3).intoArray(ws, 136);
        in5.mul((int) FIX_2_053119869).add(z2).add(z4).intoArray(ws, 144);
        in7.mul((int) FIX_0_298631336).add(z1).add(z3).intoArray(ws, 152);
    }

    /**
     * The row pass: each output row is the butterfly's integer matrix times the workspace row,
     * each lane one column, then the range limit. Workspace columns after {@code last} are zero
     * (the column pass keeps a column of zero coefficients zero; photos mostly lack the high
     * horizontal frequencies), so their terms are left out of the sums.
     */
    private static void rowPass(int[] ws, byte[] out, int o, int stride, int last) {
        IntVector m0 = IntVector.fromArray(LANES, ROW_MATRIX, 0);
        int shift = CONST_BITS + PASS1_BITS + 3;
        for (int r = 0; r < 64; r += 8, o += stride) {
            IntVector y = m0.mul(ws[r]);
            for (int k = 1; k <= last; k++) {
                y = y.add(IntVector.fromArray(LANES, ROW_MATRIX, 8 * k).mul(ws[r + k]));
            }
            // RANGE_LIMIT's lookup as arithmetic: wrap to -512..511, then saturate to 0..255.
            IntVector v = y.add(1 << (shift - 1)).lanewise(VectorOperators.ASHR, shift)
                    .add(512).and(1023).sub(512 - 128).max(0).min(255);
            ((ByteVector) v.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, o);
        }
    }

    /** The 64-bit path: the butterfly on each column, then on each row, as jidctint.c computes it. */
    static void transformScalar(short[] coefs, int c, int[] quant, int[] ws, byte[] out, int o, int stride) {
        long[] in = new long[8];
        long[] sums = new long[8];
        for (int col = 0; col < 8; col++) {
            for (int r = 0; r < 8; r++) {
                // The product in 32 bits, as jidctint.c's DEQUANTIZE (an int times an int).
                in[r] = coefs[c + 8 * r + col] * quant[8 * r + col];
            }
            butterfly(in, sums);
            for (int r = 0; r < 8; r++) {
                ws[8 * r + col] = (int) descale(sums[r], CONST_BITS - PASS1_BITS);
            }
        }
        for (int r = 0; r < 8; r++, o += stride) {
            for (int k = 0; k < 8; k++) {
                in[k] = ws[8 * r + k];
            }
            butterfly(in, sums);
            for (int x = 0; x < 8; x++) {
                out[o + x] = RANGE_LIMIT[(int) descale(sums[x], CONST_BITS + PASS1_BITS + 3) & 1023];
            }
        }
    }
}
