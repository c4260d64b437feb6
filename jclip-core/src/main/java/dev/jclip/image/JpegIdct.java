package dev.jclip.image;

import java.util.Arrays;

/**
 * libjpeg-turbo's accurate integer inverse DCT (jidctint.c, JDCT_ISLOW, the default that Pillow
 * keeps): dequantization, a column pass to a workspace with 2 extra bits, a row pass, and the
 * post-IDCT range limit, all in the same integer arithmetic so every sample matches.
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

    private JpegIdct() {
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
     * {@code ws} is a 64-entry workspace.
     */
    static void transform(short[] coefs, int c, int[] quant, int[] ws, byte[] out, int o, int stride) {
        for (int col = 0; col < 8; col++) {
            int i = c + col;
            if (coefs[i + 8] == 0 && coefs[i + 16] == 0 && coefs[i + 24] == 0 && coefs[i + 32] == 0
                    && coefs[i + 40] == 0 && coefs[i + 48] == 0 && coefs[i + 56] == 0) {
                // A column of zero AC terms: the output column is the scaled DC term.
                int dc = (coefs[i] * quant[col]) << PASS1_BITS;
                for (int r = 0; r < 64; r += 8) {
                    ws[col + r] = dc;
                }
                continue;
            }
            long z2 = coefs[i + 16] * quant[col + 16];
            long z3 = coefs[i + 48] * quant[col + 48];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 - z3 * FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = coefs[i] * quant[col];
            z3 = coefs[i + 32] * quant[col + 32];
            long tmp0 = (z2 + z3) << CONST_BITS;
            long tmp1 = (z2 - z3) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;

            // Odd part (inputs 7, 5, 3, 1).
            tmp0 = coefs[i + 56] * quant[col + 56];
            tmp1 = coefs[i + 40] * quant[col + 40];
            tmp2 = coefs[i + 24] * quant[col + 24];
            tmp3 = coefs[i + 8] * quant[col + 8];
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
            int shift = CONST_BITS - PASS1_BITS;
            ws[col] = (int) descale(tmp10 + tmp3, shift);
            ws[col + 56] = (int) descale(tmp10 - tmp3, shift);
            ws[col + 8] = (int) descale(tmp11 + tmp2, shift);
            ws[col + 48] = (int) descale(tmp11 - tmp2, shift);
            ws[col + 16] = (int) descale(tmp12 + tmp1, shift);
            ws[col + 40] = (int) descale(tmp12 - tmp1, shift);
            ws[col + 24] = (int) descale(tmp13 + tmp0, shift);
            ws[col + 32] = (int) descale(tmp13 - tmp0, shift);
        }
        int shift = CONST_BITS + PASS1_BITS + 3;
        for (int row = 0; row < 64; row += 8, o += stride) {
            if (ws[row + 1] == 0 && ws[row + 2] == 0 && ws[row + 3] == 0 && ws[row + 4] == 0
                    && ws[row + 5] == 0 && ws[row + 6] == 0 && ws[row + 7] == 0) {
                byte dc = RANGE_LIMIT[(int) descale(ws[row], PASS1_BITS + 3) & 1023];
                for (int x = 0; x < 8; x++) {
                    out[o + x] = dc;
                }
                continue;
            }
            long z2 = ws[row + 2];
            long z3 = ws[row + 6];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 - z3 * FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            long tmp0 = ((long) ws[row] + ws[row + 4]) << CONST_BITS;
            long tmp1 = ((long) ws[row] - ws[row + 4]) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;
            tmp0 = ws[row + 7];
            tmp1 = ws[row + 5];
            tmp2 = ws[row + 3];
            tmp3 = ws[row + 1];
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
            out[o] = RANGE_LIMIT[(int) descale(tmp10 + tmp3, shift) & 1023];
            out[o + 7] = RANGE_LIMIT[(int) descale(tmp10 - tmp3, shift) & 1023];
            out[o + 1] = RANGE_LIMIT[(int) descale(tmp11 + tmp2, shift) & 1023];
            out[o + 6] = RANGE_LIMIT[(int) descale(tmp11 - tmp2, shift) & 1023];
            out[o + 2] = RANGE_LIMIT[(int) descale(tmp12 + tmp1, shift) & 1023];
            out[o + 5] = RANGE_LIMIT[(int) descale(tmp12 - tmp1, shift) & 1023];
            out[o + 3] = RANGE_LIMIT[(int) descale(tmp13 + tmp0, shift) & 1023];
            out[o + 4] = RANGE_LIMIT[(int) descale(tmp13 - tmp0, shift) & 1023];
        }
    }
}
