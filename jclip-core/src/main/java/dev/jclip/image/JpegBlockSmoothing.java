package dev.jclip.image;

/**
 * libjpeg-turbo's interblock smoothing for progressive files (jdcoefct.c, decompress_smooth_data,
 * on by default and kept by Pillow): when some of the first nine AC coefficients were never coded
 * or only coarsely, those still zero are estimated from the DC terms of the 5x5 neighbouring
 * blocks; when no AC coefficient was coded at all, the DC term is smoothed too.
 */
final class JpegBlockSmoothing {
    /** Natural positions of zigzag coefficients 1 to 9, the ones estimated. */
    private static final int Q01 = 1, Q10 = 8, Q20 = 16, Q11 = 9, Q02 = 2, Q03 = 3, Q12 = 10, Q21 = 17, Q30 = 24;

    private JpegBlockSmoothing() {
    }

    /**
     * Whether libjpeg-turbo smooths this image (smoothing_ok): every component has a DC scan and
     * a quantization table nonzero at the ten positions used, and some component has one of
     * zigzag coefficients 1 to 9 not coded to full precision.
     */
    static boolean applies(JpegComponent[] comps) {
        boolean useful = false;
        for (JpegComponent c : comps) {
            int[] q = c.quant;
            if (q == null || c.coefBits[0] < 0) {
                return false;
            }
            for (int pos : new int[] {0, Q01, Q10, Q20, Q11, Q02, Q03, Q12, Q21, Q30}) {
                if (q[pos] == 0) {
                    return false;
                }
            }
            for (int k = 1; k < 10; k++) {
                useful |= c.coefBits[k] != 0;
            }
        }
        return useful;
    }

    /**
     * Inverse-transforms every block of {@code c} into its plane with smoothed coefficients;
     * {@code imcuRows} is the frame's number of MCU rows.
     */
    static void transform(JpegComponent c, int imcuRows) {
        short[] coefs = c.coefs;
        int[] bitsAl = c.coefBits;
        boolean changeDc = true;
        for (int k = 1; k < 10; k++) {
            changeDc &= bitsAl[k] == -1;
        }
        int[] q = c.quant;
        long q00 = q[0];
        short[] work = new short[64];
        int[] ws = new int[JpegIdct.WORKSPACE];
        int[] dc = new int[25];
        int lastColumn = c.widthInBlocks - 1;
        for (int imcu = 0; imcu < imcuRows; imcu++) {
            int blockRows = c.v;
            if (imcu == imcuRows - 1) {
                blockRows = c.heightInBlocks % c.v;
                if (blockRows == 0) {
                    blockRows = c.v;
                }
            }
            // libjpeg-turbo numbers rows by this iMCU row's count of block rows, so in a short last
            // iMCU row its top/bottom tests use shifted numbers: reproduced, not corrected.
            int imageBlockRows = blockRows * imcuRows;
            for (int br = 0; br < blockRows; br++) {
                int imageBlockRow = imcu * blockRows + br;
                int row = imcu * c.v + br;
                int prev = imageBlockRow > 0 ? row - 1 : row;
                int prevPrev = imageBlockRow > 1 ? row - 2 : prev;
                int next = imageBlockRow < imageBlockRows - 1 ? row + 1 : row;
                int nextNext = imageBlockRow < imageBlockRows - 2 ? row + 2 : next;
                int[] rows = {prevPrev, prev, row, next, nextNext};
                for (int bx = 0; bx <= lastColumn; bx++) {
                    for (int r = 0; r < 5; r++) {
                        for (int d = 0; d < 5; d++) {
                            int x = Math.clamp(bx + d - 2, 0, lastColumn);
                            dc[r * 5 + d] = coefs[c.coefOffset(x, rows[r])];
                        }
                    }
                    System.arraycopy(coefs, c.coefOffset(bx, row), work, 0, 64);
                    smooth(work, dc, bitsAl, q, q00, changeDc);
                    JpegIdct.transform(work, 0, c.quant, ws, c.plane, c.planeOffset(bx, row), c.stride);
                }
            }
        }
    }

    /** Estimates the coefficients of one block from the DC terms {@code dc} (DC01..DC25 of libjpeg, 0-based). */
    private static void smooth(short[] w, int[] dc, int[] bitsAl, int[] q, long q00, boolean changeDc) {
        int dc01 = dc[0], dc02 = dc[1], dc03 = dc[2], dc04 = dc[3], dc05 = dc[4];
        int dc06 = dc[5], dc07 = dc[6], dc08 = dc[7], dc09 = dc[8], dc10 = dc[9];
        int dc11 = dc[10], dc12 = dc[11], dc13 = dc[12], dc14 = dc[13], dc15 = dc[14];
        int dc16 = dc[15], dc17 = dc[16], dc18 = dc[17], dc19 = dc[18], dc20 = dc[19];
        int dc21 = dc[20], dc22 = dc[21], dc23 = dc[22], dc24 = dc[23], dc25 = dc[24];
        estimate(w, Q01, bitsAl[1], q[Q01], q00 * (changeDc
                ? -dc01 - dc02 + dc04 + dc05 - 3 * dc06 + 13 * dc07 - 13 * dc09 + 3 * dc10 - 3 * dc11 + 38 * dc12
                        - 38 * dc14 + 3 * dc15 - 3 * dc16 + 13 * dc17 - 13 * dc19 + 3 * dc20 - dc21 - dc22 + dc24 + dc25
                : -7 * dc11 + 50 * dc12 - 50 * dc14 + 7 * dc15));
        estimate(w, Q10, bitsAl[2], q[Q10], q00 * (changeDc
                ? -dc01 - 3 * dc02 - 3 * dc03 - 3 * dc04 - dc05 - dc06 + 13 * dc07 + 38 * dc08 + 13 * dc09 - dc10
                        + dc16 - 13 * dc17 - 38 * dc18 - 13 * dc19 + dc20 + dc21 + 3 * dc22 + 3 * dc23 + 3 * dc24 + dc25
                : -7 * dc03 + 50 * dc08 - 50 * dc18 + 7 * dc23));
        estimate(w, Q20, bitsAl[3], q[Q20], q00 * (changeDc
                ? dc03 + 2 * dc07 + 7 * dc08 + 2 * dc09 - 5 * dc12 - 14 * dc13 - 5 * dc14 + 2 * dc17 + 7 * dc18
                        + 2 * dc19 + dc23
                : -dc03 + 13 * dc08 - 24 * dc13 + 13 * dc18 - dc23));
        estimate(w, Q11, bitsAl[4], q[Q11], q00 * (changeDc
                ? -dc01 + dc05 + 9 * dc07 - 9 * dc09 - 9 * dc17 + 9 * dc19 + dc21 - dc25
                : dc10 + dc16 - 10 * dc17 + 10 * dc19 - dc02 - dc20 + dc22 - dc24 + dc04 - dc06 + 10 * dc07
                        - 10 * dc09));
        estimate(w, Q02, bitsAl[5], q[Q02], q00 * (changeDc
                ? 2 * dc07 - 5 * dc08 + 2 * dc09 + dc11 + 7 * dc12 - 14 * dc13 + 7 * dc14 + dc15 + 2 * dc17
                        - 5 * dc18 + 2 * dc19
                : -dc11 + 13 * dc12 - 24 * dc13 + 13 * dc14 - dc15));
        if (!changeDc) {
            return;
        }
        estimate(w, Q03, bitsAl[6], q[Q03], q00 * (dc07 - dc09 + 2 * dc12 - 2 * dc14 + dc17 - dc19));
        estimate(w, Q12, bitsAl[7], q[Q12], q00 * (dc07 - 3 * dc08 + dc09 - dc17 + 3 * dc18 - dc19));
        estimate(w, Q21, bitsAl[8], q[Q21], q00 * (dc07 - dc09 - 3 * dc12 + 3 * dc14 + dc17 - dc19));
        estimate(w, Q30, bitsAl[9], q[Q30], q00 * (dc07 + 2 * dc08 + dc09 - dc17 - 2 * dc18 - dc19));
        long num = q00 * (-2 * dc01 - 6 * dc02 - 8 * dc03 - 6 * dc04 - 2 * dc05 - 6 * dc06 + 6 * dc07 + 42 * dc08
                + 6 * dc09 - 6 * dc10 - 8 * dc11 + 42 * dc12 + 152 * dc13 + 42 * dc14 - 8 * dc15 - 6 * dc16
                + 6 * dc17 + 42 * dc18 + 6 * dc19 - 6 * dc20 - 2 * dc21 - 6 * dc22 - 8 * dc23 - 6 * dc24 - 2 * dc25);
        w[0] = (short) divide(num, q00, 0);
    }

    /** Sets coefficient {@code pos} to its estimate if it is zero and not known to full precision ({@code al} != 0). */
    private static void estimate(short[] w, int pos, int al, long q, long num) {
        if (al != 0 && w[pos] == 0) {
            w[pos] = (short) divide(num, q, al);
        }
    }

    /** round(num / (q * 256)) away from zero's half, below 2^al when al > 0, as libjpeg computes pred. */
    private static int divide(long num, long q, int al) {
        long pred = ((q << 7) + Math.abs(num)) / (q << 8);
        if (al > 0 && pred >= 1L << al) {
            pred = (1L << al) - 1;
        }
        return (int) (num >= 0 ? pred : -pred);
    }
}
