package dev.jclip.image;

import java.util.Arrays;

/**
 * Decodes the Huffman-coded data of one scan into coefficients, for sequential scans as
 * libjpeg-turbo's jdhuff.c and for the four kinds of progressive scan as its jdphuff.c, with
 * restart markers. A single-scan sequential file is transformed block by block straight into the
 * components' planes; other files keep every coefficient for the later scans.
 */
final class JpegScanDecoder {
    /** Natural (row-major) position of each zigzag index. */
    static final int[] NATURAL_ORDER = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    private final byte[] data;
    private final String name;
    private final JpegBitReader in;
    private final short[] block = new short[64];
    private final int[] workspace = new int[JpegIdct.WORKSPACE];
    private int eobRun;

    JpegScanDecoder(byte[] data, String name) {
        this.data = data;
        this.name = name;
        this.in = new JpegBitReader(data, name);
    }

    /**
     * A scan's header: its components, and for a progressive scan the band of zigzag positions
     * {@code ss..se} and the bit positions {@code ah} (0 on the first pass) and {@code al}.
     * {@code direct}: transform each block into its plane at once (a single-scan sequential file).
     */
    record Scan(JpegComponent[] comps, boolean progressive, int ss, int se, int ah, int al, boolean direct) {
    }

    /**
     * Decodes a scan whose data starts at {@code start}; returns the position of the marker after it.
     *
     * @param mcusWide MCUs per row of an interleaved scan (a single-component scan covers its
     *                 component's own blocks instead)
     */
    int decode(int start, Scan scan, int mcusWide, int mcusHigh, int restartInterval) throws BadImageException {
        JpegComponent[] comps = scan.comps();
        in.start(start);
        for (JpegComponent c : comps) {
            c.dcPred = 0;
        }
        eobRun = 0;
        boolean single = comps.length == 1;
        int wide = single ? comps[0].widthInBlocks : mcusWide;
        int total = wide * (single ? comps[0].heightInBlocks : mcusHigh);
        int restartsLeft = restartInterval;
        int nextRestart = 0;
        for (int m = 0; m < total; m++) {
            if (restartInterval > 0) {
                if (restartsLeft == 0) {
                    restart(nextRestart, comps);
                    nextRestart = (nextRestart + 1) & 7;
                    restartsLeft = restartInterval;
                }
                restartsLeft--;
            }
            int mx = m % wide, my = m / wide;
            if (single) {
                decodeBlock(comps[0], mx, my, scan);
            } else {
                for (JpegComponent c : comps) {
                    for (int by = 0; by < c.v; by++) {
                        for (int bx = 0; bx < c.h; bx++) {
                            decodeBlock(c, mx * c.h + bx, my * c.v + by, scan);
                        }
                    }
                }
            }
            in.checkNoOverrun();
        }
        return in.markerPosition();
    }

    private void restart(int expected, JpegComponent[] comps) throws BadImageException {
        int p = in.markerPosition();
        int marker = data[p + 1] & 0xFF;
        if (marker != 0xD0 + expected) {
            throw new BadImageException(name, String.format(
                    "corrupt JPEG data: expected restart marker RST%d, found marker 0x%02X", expected, marker));
        }
        in.start(p + 2);
        for (JpegComponent c : comps) {
            c.dcPred = 0;
        }
        eobRun = 0;
    }

    private void decodeBlock(JpegComponent c, int bx, int by, Scan scan) throws BadImageException {
        if (scan.direct()) {
            boolean kept = c.kept(bx, by);
            if (sequential(c, block, 0)) {
                if (kept) {
                    JpegIdct.transform(block, 0, c.quant, workspace, c.plane, c.planeOffset(bx, by), c.stride);
                }
                Arrays.fill(block, (short) 0);
            } else if (kept) {
                JpegIdct.transformDc(block[0], c.quant[0], c.plane, c.planeOffset(bx, by), c.stride);
            }
            return;
        }
        int o = c.coefOffset(bx, by);
        int al = scan.al();
        if (!scan.progressive()) {
            sequential(c, c.coefs, o);
        } else if (scan.ss() == 0) {
            if (scan.ah() == 0) {
                c.dcPred += in.signed(in.decode(c.dc));
                c.coefs[o] = (short) (c.dcPred << al);
            } else if (in.bits(1) != 0) {
                c.coefs[o] |= (short) (1 << al);
            }
        } else if (scan.ah() == 0) {
            acFirst(c, c.coefs, o, scan.ss(), scan.se(), al);
        } else {
            acRefine(c, c.coefs, o, scan.ss(), scan.se(), al);
        }
    }

    /** A whole block of a sequential scan (jdhuff.c decode_mcu); the block must be zero. Returns whether an AC term is nonzero. */
    private boolean sequential(JpegComponent c, short[] coefs, int o) throws BadImageException {
        c.dcPred += in.signed(in.decode(c.dc));
        coefs[o] = (short) c.dcPred;
        JpegHuffmanTable ac = c.ac;
        boolean anyAc = false;
        for (int k = 1; k < 64; k++) {
            int fast = in.fastAc(ac);
            if (fast != 0) {
                if ((fast & JpegHuffmanTable.FAST_EOB) != 0) {
                    break;
                }
                k += (fast >> 8) & 15;
                if (k > 63) {
                    throw coefficientOverrun();
                }
                coefs[o + NATURAL_ORDER[k]] = (short) (fast >> 16);
                anyAc = true;
                continue;
            }
            int rs = in.decode(ac);
            int r = rs >> 4, s = rs & 15;
            if (s != 0) {
                k += r;
                if (k > 63) {
                    throw coefficientOverrun();
                }
                coefs[o + NATURAL_ORDER[k]] = (short) in.signed(s);
                anyAc = true;
            } else if (r == 15) {
                k += 15;
            } else {
                break;
            }
        }
        return anyAc;
    }

    private BadImageException coefficientOverrun() {
        return new BadImageException(name, "corrupt JPEG data: coefficient run past the end of the block");
    }

    /** The first pass over a band of AC coefficients (jdphuff.c decode_mcu_AC_first). */
    private void acFirst(JpegComponent c, short[] coefs, int o, int ss, int se, int al) throws BadImageException {
        if (eobRun > 0) {
            eobRun--;
            return;
        }
        int last = 0;
        for (int k = ss; k <= se; k++) {
            int fast = in.fastAc(c.ac);
            if (fast != 0) {
                if ((fast & JpegHuffmanTable.FAST_EOB) != 0) {
                    break; // an EOB run of one block: this one
                }
                k += (fast >> 8) & 15;
                if (k > se) {
                    throw coefficientOverrun();
                }
                coefs[o + NATURAL_ORDER[k]] = (short) ((fast >> 16) << al);
                last = k;
                continue;
            }
            int rs = in.decode(c.ac);
            int r = rs >> 4, s = rs & 15;
            if (s != 0) {
                k += r;
                if (k > se) {
                    throw coefficientOverrun();
                }
                coefs[o + NATURAL_ORDER[k]] = (short) (in.signed(s) << al);
                last = k;
            } else if (r == 15) {
                k += 15;
            } else {
                eobRun = (1 << r) + in.bits(r) - 1;
                break;
            }
        }
        noteNonzero(c, o, last);
    }

    /** Records that the block at {@code o} has a nonzero AC coefficient at zigzag position {@code k} (0: none new). */
    private static void noteNonzero(JpegComponent c, int o, int k) {
        if (k > (c.lastAc[o >> 6] & 0xFF)) {
            c.lastAc[o >> 6] = (byte) k;
        }
    }

    /**
     * A refinement pass over a band (jdphuff.c decode_mcu_AC_refine): newly nonzero
     * coefficients of ±2^Al, and a correction bit for each coefficient already nonzero.
     */
    private void acRefine(JpegComponent c, short[] coefs, int o, int ss, int se, int al) throws BadImageException {
        int p1 = 1 << al, m1 = -1 << al;
        int k = ss;
        if (eobRun == 0) {
            for (; k <= se; k++) {
                int rs = in.decode(c.ac);
                int r = rs >> 4, s = rs & 15;
                int value = 0;
                if (s != 0) {
                    if (s != 1) {
                        throw new BadImageException(name, "corrupt JPEG data: refinement coefficient of size " + s);
                    }
                    value = in.bits(1) != 0 ? p1 : m1;
                } else if (r != 15) {
                    eobRun = (1 << r) + in.bits(r);
                    break;
                }
                // Skip r zero coefficients, refining the nonzero ones passed on the way.
                for (; k <= se; k++) {
                    int z = o + NATURAL_ORDER[k];
                    if (coefs[z] != 0) {
                        refine(coefs, z, p1, m1);
                    } else if (--r < 0) {
                        break;
                    }
                }
                if (value != 0) {
                    if (k > se) {
                        throw coefficientOverrun();
                    }
                    coefs[o + NATURAL_ORDER[k]] = (short) value;
                    noteNonzero(c, o, k);
                }
            }
        }
        if (eobRun > 0) {
            for (int end = Math.min(se, c.lastAc[o >> 6] & 0xFF); k <= end; k++) {
                int z = o + NATURAL_ORDER[k];
                if (coefs[z] != 0) {
                    refine(coefs, z, p1, m1);
                }
            }
            eobRun--;
        }
    }

    private void refine(short[] coefs, int z, int p1, int m1) throws BadImageException {
        if (in.bits(1) != 0 && (coefs[z] & p1) == 0) {
            coefs[z] += (short) (coefs[z] >= 0 ? p1 : m1);
        }
    }
}
