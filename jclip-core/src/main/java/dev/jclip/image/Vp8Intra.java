package dev.jclip.image;

/**
 * VP8 intra prediction (RFC 6386 section 12) and the inverse transforms that add the
 * residual (section 14), as libwebp computes them. Blocks live in a work buffer of
 * row stride {@link #BPS}; the row above a block and the column to its left (and for
 * 4x4 luma blocks the four pixels above-right) must be filled before predicting.
 */
final class Vp8Intra {
    /** Row stride of the work buffer. */
    static final int BPS = 32;

    /** 16x16 and chroma modes, and the 4x4 modes, as the bitstream numbers them. */
    static final int DC_PRED = 0, TM_PRED = 1, V_PRED = 2, H_PRED = 3;
    /** The 4x4 modes beyond DC, TM, V (VE) and H (HE). */
    static final int B_RD_PRED = 4, B_VR_PRED = 5, B_LD_PRED = 6, B_VL_PRED = 7, B_HD_PRED = 8, B_HU_PRED = 9;

    private Vp8Intra() {}

    // ---------------------------------------------------------------- 16x16 luma and 8x8 chroma

    /**
     * Predicts a {@code size}x{@code size} block (16 luma, 8 chroma) at {@code dst}; DC uses
     * only the edges that exist ({@code hasTop}, {@code hasLeft}), else 128.
     */
    static void predictBlock(byte[] b, int dst, int size, int mode, boolean hasTop, boolean hasLeft) {
        switch (mode) {
            case DC_PRED -> fill(b, dst, size, dc(b, dst, size, hasTop, hasLeft));
            case TM_PRED -> trueMotion(b, dst, size);
            case V_PRED -> {
                for (int y = 0; y < size; y++) {
                    System.arraycopy(b, dst - BPS, b, dst + y * BPS, size);
                }
            }
            case H_PRED -> {
                for (int y = 0; y < size; y++) {
                    byte left = b[dst + y * BPS - 1];
                    for (int x = 0; x < size; x++) {
                        b[dst + y * BPS + x] = left;
                    }
                }
            }
            default -> throw new IllegalArgumentException("intra mode " + mode);
        }
    }

    private static int dc(byte[] b, int dst, int size, boolean hasTop, boolean hasLeft) {
        int shift = size == 16 ? 4 : 3;
        int sum = 0;
        if (hasTop) {
            for (int i = 0; i < size; i++) {
                sum += b[dst - BPS + i] & 0xFF;
            }
        }
        if (hasLeft) {
            for (int i = 0; i < size; i++) {
                sum += b[dst + i * BPS - 1] & 0xFF;
            }
        }
        if (hasTop && hasLeft) {
            return (sum + size) >> (shift + 1);
        }
        return hasTop || hasLeft ? (sum + (size >> 1)) >> shift : 0x80;
    }

    private static void fill(byte[] b, int dst, int size, int v) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                b[dst + y * BPS + x] = (byte) v;
            }
        }
    }

    private static void trueMotion(byte[] b, int dst, int size) {
        int topLeft = b[dst - BPS - 1] & 0xFF;
        for (int y = 0; y < size; y++) {
            int left = (b[dst + y * BPS - 1] & 0xFF) - topLeft;
            for (int x = 0; x < size; x++) {
                b[dst + y * BPS + x] = (byte) clip8(left + (b[dst - BPS + x] & 0xFF));
            }
        }
    }

    // ---------------------------------------------------------------- 4x4 luma

    /** Predicts the 4x4 block at {@code dst} with sub-block mode {@code mode}. */
    static void predict4(byte[] b, int dst, int mode) {
        int top = dst - BPS;
        int x = b[top - 1] & 0xFF; // above-left
        int a = b[top] & 0xFF, bb = b[top + 1] & 0xFF, c = b[top + 2] & 0xFF, d = b[top + 3] & 0xFF;
        int e = b[top + 4] & 0xFF, f = b[top + 5] & 0xFF, g = b[top + 6] & 0xFF, h = b[top + 7] & 0xFF;
        int i = b[dst - 1] & 0xFF, j = b[dst + BPS - 1] & 0xFF;
        int k = b[dst + 2 * BPS - 1] & 0xFF, l = b[dst + 3 * BPS - 1] & 0xFF;
        switch (mode) {
            case DC_PRED -> {
                int v = (a + bb + c + d + i + j + k + l + 4) >> 3;
                for (int r = 0; r < 4; r++) {
                    row(b, dst, r, v, v, v, v);
                }
            }
            case TM_PRED -> trueMotion(b, dst, 4);
            case V_PRED -> {
                int p0 = avg3(x, a, bb), p1 = avg3(a, bb, c), p2 = avg3(bb, c, d), p3 = avg3(c, d, e);
                for (int r = 0; r < 4; r++) {
                    row(b, dst, r, p0, p1, p2, p3);
                }
            }
            case H_PRED -> {
                int r0 = avg3(x, i, j), r1 = avg3(i, j, k), r2 = avg3(j, k, l), r3 = avg3(k, l, l);
                row(b, dst, 0, r0, r0, r0, r0);
                row(b, dst, 1, r1, r1, r1, r1);
                row(b, dst, 2, r2, r2, r2, r2);
                row(b, dst, 3, r3, r3, r3, r3);
            }
            case B_RD_PRED -> {
                int jkl = avg3(j, k, l), ijk = avg3(i, j, k), xij = avg3(x, i, j), axi = avg3(a, x, i);
                int bax = avg3(bb, a, x), cba = avg3(c, bb, a), dcb = avg3(d, c, bb);
                row(b, dst, 0, axi, bax, cba, dcb);
                row(b, dst, 1, xij, axi, bax, cba);
                row(b, dst, 2, ijk, xij, axi, bax);
                row(b, dst, 3, jkl, ijk, xij, axi);
            }
            case B_LD_PRED -> {
                int abc = avg3(a, bb, c), bcd = avg3(bb, c, d), cde = avg3(c, d, e), def = avg3(d, e, f);
                int efg = avg3(e, f, g), fgh = avg3(f, g, h), ghh = avg3(g, h, h);
                row(b, dst, 0, abc, bcd, cde, def);
                row(b, dst, 1, bcd, cde, def, efg);
                row(b, dst, 2, cde, def, efg, fgh);
                row(b, dst, 3, def, efg, fgh, ghh);
            }
            case B_VR_PRED -> {
                row(b, dst, 0, avg2(x, a), avg2(a, bb), avg2(bb, c), avg2(c, d));
                row(b, dst, 1, avg3(i, x, a), avg3(x, a, bb), avg3(a, bb, c), avg3(bb, c, d));
                row(b, dst, 2, avg3(j, i, x), avg2(x, a), avg2(a, bb), avg2(bb, c));
                row(b, dst, 3, avg3(k, j, i), avg3(i, x, a), avg3(x, a, bb), avg3(a, bb, c));
            }
            case B_VL_PRED -> {
                row(b, dst, 0, avg2(a, bb), avg2(bb, c), avg2(c, d), avg2(d, e));
                row(b, dst, 1, avg3(a, bb, c), avg3(bb, c, d), avg3(c, d, e), avg3(d, e, f));
                row(b, dst, 2, avg2(bb, c), avg2(c, d), avg2(d, e), avg3(e, f, g));
                row(b, dst, 3, avg3(bb, c, d), avg3(c, d, e), avg3(d, e, f), avg3(f, g, h));
            }
            case B_HD_PRED -> {
                row(b, dst, 0, avg2(i, x), avg3(i, x, a), avg3(x, a, bb), avg3(a, bb, c));
                row(b, dst, 1, avg2(j, i), avg3(j, i, x), avg2(i, x), avg3(i, x, a));
                row(b, dst, 2, avg2(k, j), avg3(k, j, i), avg2(j, i), avg3(j, i, x));
                row(b, dst, 3, avg2(l, k), avg3(l, k, j), avg2(k, j), avg3(k, j, i));
            }
            case B_HU_PRED -> {
                row(b, dst, 0, avg2(i, j), avg3(i, j, k), avg2(j, k), avg3(j, k, l));
                row(b, dst, 1, avg2(j, k), avg3(j, k, l), avg2(k, l), avg3(k, l, l));
                row(b, dst, 2, avg2(k, l), avg3(k, l, l), l, l);
                row(b, dst, 3, l, l, l, l);
            }
            default -> throw new IllegalArgumentException("4x4 intra mode " + mode);
        }
    }

    private static void row(byte[] b, int dst, int r, int p0, int p1, int p2, int p3) {
        int o = dst + r * BPS;
        b[o] = (byte) p0;
        b[o + 1] = (byte) p1;
        b[o + 2] = (byte) p2;
        b[o + 3] = (byte) p3;
    }

    private static int avg3(int a, int b, int c) {
        return (a + 2 * b + c + 2) >> 2;
    }

    private static int avg2(int a, int b) {
        return (a + b + 1) >> 1;
    }

    // ---------------------------------------------------------------- inverse transforms

    private static int mul1(int a) {
        return ((a * 20091) >> 16) + a;
    }

    private static int mul2(int a) {
        return (a * 35468) >> 16;
    }

    /**
     * Adds the inverse DCT of the 16 coefficients at {@code in[co..]} to the 4x4 block at
     * {@code dst}; {@code tmp} is 16 ints of scratch.
     */
    static void inverseDct(short[] in, int co, byte[] b, int dst, int[] tmp) {
        for (int i = 0; i < 4; i++) { // vertical pass
            int i0 = in[co + i], i4 = in[co + 4 + i], i8 = in[co + 8 + i], i12 = in[co + 12 + i];
            int a = i0 + i8, bb = i0 - i8;
            int c = mul2(i4) - mul1(i12), d = mul1(i4) + mul2(i12);
            tmp[4 * i] = a + d;
            tmp[4 * i + 1] = bb + c;
            tmp[4 * i + 2] = bb - c;
            tmp[4 * i + 3] = a - d;
        }
        for (int i = 0; i < 4; i++) { // horizontal pass
            int dc = tmp[i] + 4;
            int a = dc + tmp[8 + i], bb = dc - tmp[8 + i];
            int c = mul2(tmp[4 + i]) - mul1(tmp[12 + i]), d = mul1(tmp[4 + i]) + mul2(tmp[12 + i]);
            int o = dst + i * BPS;
            b[o] = (byte) clip8((b[o] & 0xFF) + ((a + d) >> 3));
            b[o + 1] = (byte) clip8((b[o + 1] & 0xFF) + ((bb + c) >> 3));
            b[o + 2] = (byte) clip8((b[o + 2] & 0xFF) + ((bb - c) >> 3));
            b[o + 3] = (byte) clip8((b[o + 3] & 0xFF) + ((a - d) >> 3));
        }
    }

    /** {@link #inverseDct} when only the DC coefficient {@code in[co]} is non-zero. */
    static void inverseDc(short[] in, int co, byte[] b, int dst) {
        int dc = (in[co] + 4) >> 3;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int o = dst + y * BPS + x;
                b[o] = (byte) clip8((b[o] & 0xFF) + dc);
            }
        }
    }

    /**
     * The inverse Walsh-Hadamard transform of the 16 second-order luma DC values
     * {@code in[0..16)}: each result becomes coefficient 0 of one 4x4 block of {@code out}
     * ({@code tmp}: 16 ints of scratch).
     */
    static void inverseWht(short[] in, short[] out, int[] tmp) {
        for (int i = 0; i < 4; i++) {
            int a0 = in[i] + in[12 + i], a1 = in[4 + i] + in[8 + i];
            int a2 = in[4 + i] - in[8 + i], a3 = in[i] - in[12 + i];
            tmp[i] = a0 + a1;
            tmp[8 + i] = a0 - a1;
            tmp[4 + i] = a3 + a2;
            tmp[12 + i] = a3 - a2;
        }
        for (int i = 0; i < 4; i++) {
            int dc = tmp[i * 4] + 3; // rounding
            int a0 = dc + tmp[3 + i * 4], a1 = tmp[1 + i * 4] + tmp[2 + i * 4];
            int a2 = tmp[1 + i * 4] - tmp[2 + i * 4], a3 = dc - tmp[3 + i * 4];
            int o = i * 64;
            out[o] = (short) ((a0 + a1) >> 3);
            out[o + 16] = (short) ((a3 + a2) >> 3);
            out[o + 32] = (short) ((a0 - a1) >> 3);
            out[o + 48] = (short) ((a3 - a2) >> 3);
        }
    }

    static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
