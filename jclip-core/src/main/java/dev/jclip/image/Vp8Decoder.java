package dev.jclip.image;

import static dev.jclip.image.Vp8Intra.BPS;

import java.util.Arrays;

/**
 * Decodes a VP8 key frame (the payload of a WebP {@code VP8 } chunk, RFC 6386) into
 * Y, U and V planes, bit-exactly as libwebp 1.6 does: header and partitions,
 * intra modes, coefficient tokens, prediction plus inverse transform, and the loop
 * filter. Planes cover whole macroblocks; {@link Vp8Upsampler} turns them into RGB.
 */
final class Vp8Decoder {
    /** Decoded planes: Y is {@code 16 * mbW} wide, U and V {@code 8 * mbW}, rows likewise. */
    record Planes(int width, int height, int mbW, int mbH, byte[] y, byte[] u, byte[] v) {
        int yStride() {
            return mbW * 16;
        }

        int uvStride() {
            return mbW * 8;
        }
    }

    /** Position in the 4x4 block (row-major) of each coefficient in token order. */
    private static final int[] ZIGZAG = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
    /** Coefficient band of each position, with a sentinel for position 16. */
    private static final int[] BANDS = {0, 1, 2, 3, 6, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 0};
    /** Probabilities of the extra bits of token categories 3 to 6 (most significant first). */
    private static final int[][] CAT_PROBS = {
            {173, 148, 140}, {176, 155, 140, 135}, {180, 157, 141, 134, 130},
            {254, 254, 243, 230, 196, 177, 153, 140, 133, 130, 129}};
    /** Coefficient types, which select the token probabilities. */
    private static final int TYPE_I16_AC = 0, TYPE_I16_DC = 1, TYPE_CHROMA = 2, TYPE_I4 = 3;
    /** Work buffer layout (as libwebp's): luma 16x16 with a border row and column, then U and V side by side. */
    private static final int Y_OFF = BPS + 8, U_OFF = Y_OFF + 16 * BPS + BPS, V_OFF = U_OFF + 16;

    private final String name;
    private final byte[] data;
    private final int end;

    private int width, height, mbW, mbH;
    private Vp8BoolDecoder header;
    private Vp8BoolDecoder[] partitions;
    // segment header
    private boolean useSegment, updateMap, absoluteDelta = true;
    private final int[] segmentQuant = new int[4], segmentFilter = new int[4];
    private final int[] segmentProbs = {255, 255, 255};
    // filter header
    private boolean simpleFilter;
    private int filterLevel, sharpness;
    private boolean useLfDelta;
    private final int[] refLfDelta = new int[4], modeLfDelta = new int[4];
    /** Dequantization per segment: y1 dc, y1 ac, y2 dc, y2 ac, uv dc, uv ac. */
    private final int[][] dequant = new int[4][6];
    private final int[] coeffProbs = new int[4 * 8 * 3 * 11];
    private boolean useSkipProb;
    private int skipProb;
    /** Filter strength per segment and 4x4-ness: limit, inner level, high-edge-variance threshold. */
    private final int[][][] filterStrength = new int[4][2][3];

    // state of the macroblock being decoded and of its neighbours
    private int[] intraTop; // 4 sub-block modes above, per macroblock column
    private final int[] intraLeft = new int[4];
    private int[] nzTop, nzDcTop; // non-zero flags of the blocks above
    private int nzLeft, nzDcLeft;
    private final int[] imodes = new int[16];
    private int segment, uvMode;
    private boolean isI4x4, skip;
    private final short[] coeffs = new short[384];
    private final short[] dcCoeffs = new short[16];
    private final int[] transformScratch = new int[16];
    private int nonZeroY, nonZeroUv; // 2-bit transform codes per 4x4 block, the first block in the top bits

    private Vp8Decoder(byte[] data, int offset, int length, String name) {
        this.name = name;
        this.data = data;
        this.end = offset + length;
    }

    /** The width and height a VP8 payload declares, refusing one whose frame header is not a valid key frame. */
    static int[] size(byte[] data, int offset, int length, String name) throws BadImageException {
        if (length < 10) {
            throw new BadImageException(name, "VP8 frame header is truncated (" + length + " bytes)");
        }
        int bits = (data[offset] & 0xFF) | (data[offset + 1] & 0xFF) << 8 | (data[offset + 2] & 0xFF) << 16;
        if ((bits & 1) != 0) {
            throw new BadImageException(name, "VP8 frame is not a key frame");
        }
        if (((bits >> 1) & 7) > 3) {
            throw new BadImageException(name, "VP8 frame has unknown profile " + ((bits >> 1) & 7));
        }
        if (((bits >> 4) & 1) == 0) {
            throw new BadImageException(name, "VP8 frame is marked invisible");
        }
        if ((bits >>> 5) >= length) {
            throw new BadImageException(name, "VP8 first partition (" + (bits >>> 5)
                    + " bytes) does not fit in the " + length + "-byte chunk");
        }
        if ((data[offset + 3] & 0xFF) != 0x9D || (data[offset + 4] & 0xFF) != 0x01
                || (data[offset + 5] & 0xFF) != 0x2A) {
            throw new BadImageException(name, "VP8 start code is missing");
        }
        int w = ((data[offset + 7] & 0xFF) << 8 | (data[offset + 6] & 0xFF)) & 0x3FFF;
        int h = ((data[offset + 9] & 0xFF) << 8 | (data[offset + 8] & 0xFF)) & 0x3FFF;
        if (w == 0 || h == 0) {
            throw new BadImageException(name, "VP8 frame has zero size (" + w + "x" + h + ")");
        }
        return new int[] {w, h};
    }

    /**
     * Decodes the VP8 payload at {@code data[offset]}: {@code chunkSize} bytes as its chunk
     * declares, of which partitions may use {@code readable} (libwebp lets them run into the
     * chunk's padding byte).
     */
    static Planes decode(byte[] data, int offset, int chunkSize, int readable, String name)
            throws BadImageException {
        Vp8Decoder d = new Vp8Decoder(data, offset, readable, name);
        d.parseHeaders(offset, chunkSize);
        return d.decodeFrame();
    }

    // ---------------------------------------------------------------- headers (RFC 6386 section 9)

    private void parseHeaders(int offset, int chunkSize) throws BadImageException {
        int[] wh = size(data, offset, chunkSize, name);
        width = wh[0];
        height = wh[1];
        mbW = (width + 15) >> 4;
        mbH = (height + 15) >> 4;
        int bits = (data[offset] & 0xFF) | (data[offset + 1] & 0xFF) << 8 | (data[offset + 2] & 0xFF) << 16;
        int firstPartition = bits >>> 5;
        int pos = offset + 10;
        if (firstPartition > end - pos) {
            throw new BadImageException(name, "VP8 first partition is truncated");
        }
        header = new Vp8BoolDecoder(data, pos, firstPartition);
        pos += firstPartition;
        header.flag(); // color space: no other is defined
        header.flag(); // clamping type: pixels are always clamped
        parseSegmentHeader();
        parseFilterHeader();
        parsePartitions(pos);
        parseQuant();
        header.flag(); // refresh entropy probabilities: irrelevant to a single frame
        parseProbs();
        if (header.eof()) {
            throw new BadImageException(name, "VP8 frame header is truncated");
        }
    }

    private void parseSegmentHeader() {
        Vp8BoolDecoder br = header;
        useSegment = br.flag();
        if (!useSegment) {
            return;
        }
        updateMap = br.flag();
        if (br.flag()) { // update segment feature data
            absoluteDelta = br.flag();
            for (int s = 0; s < 4; s++) {
                segmentQuant[s] = br.flag() ? br.signedLiteral(7) : 0;
            }
            for (int s = 0; s < 4; s++) {
                segmentFilter[s] = br.flag() ? br.signedLiteral(6) : 0;
            }
        }
        if (updateMap) {
            for (int s = 0; s < 3; s++) {
                segmentProbs[s] = br.flag() ? br.literal(8) : 255;
            }
        }
    }

    private void parseFilterHeader() {
        Vp8BoolDecoder br = header;
        simpleFilter = br.flag();
        filterLevel = br.literal(6);
        sharpness = br.literal(3);
        useLfDelta = br.flag();
        if (useLfDelta && br.flag()) { // update deltas
            for (int i = 0; i < 4; i++) {
                if (br.flag()) {
                    refLfDelta[i] = br.signedLiteral(6);
                }
            }
            for (int i = 0; i < 4; i++) {
                if (br.flag()) {
                    modeLfDelta[i] = br.signedLiteral(6);
                }
            }
        }
    }

    private void parsePartitions(int pos) throws BadImageException {
        int count = 1 << header.literal(2);
        int sizes = 3 * (count - 1);
        if (sizes > end - pos) {
            throw new BadImageException(name, "VP8 partition sizes are truncated");
        }
        partitions = new Vp8BoolDecoder[count];
        int start = pos + sizes;
        int left = end - start;
        for (int p = 0; p < count - 1; p++) {
            int o = pos + 3 * p;
            int size = (data[o] & 0xFF) | (data[o + 1] & 0xFF) << 8 | (data[o + 2] & 0xFF) << 16;
            size = Math.min(size, left); // as libwebp: a short last partition shows up as end of data
            partitions[p] = new Vp8BoolDecoder(data, start, size);
            start += size;
            left -= size;
        }
        if (left <= 0) {
            throw new BadImageException(name, "VP8 coefficient partitions are truncated");
        }
        partitions[count - 1] = new Vp8BoolDecoder(data, start, left);
    }

    private void parseQuant() {
        Vp8BoolDecoder br = header;
        int baseQ = br.literal(7);
        int dqY1Dc = br.flag() ? br.signedLiteral(4) : 0;
        int dqY2Dc = br.flag() ? br.signedLiteral(4) : 0;
        int dqY2Ac = br.flag() ? br.signedLiteral(4) : 0;
        int dqUvDc = br.flag() ? br.signedLiteral(4) : 0;
        int dqUvAc = br.flag() ? br.signedLiteral(4) : 0;
        for (int s = 0; s < 4; s++) {
            int q = baseQ;
            if (useSegment) {
                q = segmentQuant[s] + (absoluteDelta ? 0 : baseQ);
            }
            int[] m = dequant[s];
            m[0] = Vp8Tables.DC_QUANT[Math.clamp(q + dqY1Dc, 0, 127)];
            m[1] = Vp8Tables.AC_QUANT[Math.clamp(q, 0, 127)];
            m[2] = Vp8Tables.DC_QUANT[Math.clamp(q + dqY2Dc, 0, 127)] * 2;
            // x * 155 / 100, exactly, for every table entry
            m[3] = Math.max(8, (Vp8Tables.AC_QUANT[Math.clamp(q + dqY2Ac, 0, 127)] * 101581) >> 16);
            m[4] = Vp8Tables.DC_QUANT[Math.clamp(q + dqUvDc, 0, 117)];
            m[5] = Vp8Tables.AC_QUANT[Math.clamp(q + dqUvAc, 0, 127)];
        }
    }

    private void parseProbs() {
        Vp8BoolDecoder br = header;
        for (int i = 0; i < coeffProbs.length; i++) {
            coeffProbs[i] = br.bit(Vp8Tables.COEFF_UPDATE_PROBS[i]) == 1 ? br.literal(8) : Vp8Tables.COEFF_PROBS[i];
        }
        useSkipProb = br.flag();
        if (useSkipProb) {
            skipProb = br.literal(8);
        }
    }

    private void computeFilterStrengths() {
        for (int s = 0; s < 4; s++) {
            int base = filterLevel;
            if (useSegment) {
                base = segmentFilter[s] + (absoluteDelta ? 0 : filterLevel);
            }
            for (int i4 = 0; i4 <= 1; i4++) {
                int level = base;
                if (useLfDelta) {
                    level += refLfDelta[0]; // intra frame
                    if (i4 == 1) {
                        level += modeLfDelta[0]; // B_PRED
                    }
                }
                level = Math.clamp(level, 0, 63);
                int[] f = filterStrength[s][i4];
                if (level == 0) {
                    f[0] = 0;
                    continue;
                }
                int ilevel = level;
                if (sharpness > 0) {
                    ilevel >>= sharpness > 4 ? 2 : 1;
                    ilevel = Math.min(ilevel, 9 - sharpness);
                }
                ilevel = Math.max(ilevel, 1);
                f[0] = 2 * level + ilevel;
                f[1] = ilevel;
                f[2] = level >= 40 ? 2 : level >= 15 ? 1 : 0;
            }
        }
    }

    // ---------------------------------------------------------------- macroblocks

    private Planes decodeFrame() throws BadImageException {
        computeFilterStrengths();
        int yStride = mbW * 16, uvStride = mbW * 8;
        byte[] yPlane = new byte[yStride * mbH * 16];
        byte[] uPlane = new byte[uvStride * mbH * 8];
        byte[] vPlane = new byte[uvStride * mbH * 8];
        intraTop = new int[4 * mbW];
        nzTop = new int[mbW];
        nzDcTop = new int[mbW];
        int filterType = filterLevel == 0 ? 0 : simpleFilter ? 1 : 2;
        // filter parameters per macroblock: limit (0: none), inner level, hev threshold, inner edges
        int[] filters = new int[4 * mbW * mbH];
        byte[] ws = new byte[BPS * 17 + BPS * 9];
        for (int mbY = 0; mbY < mbH; mbY++) {
            Vp8BoolDecoder tokens = partitions[mbY & (partitions.length - 1)];
            Arrays.fill(intraLeft, Vp8Intra.DC_PRED);
            nzLeft = 0;
            nzDcLeft = 0;
            for (int mbX = 0; mbX < mbW; mbX++) {
                parseIntraMode(mbX);
                boolean noCoeffs = decodeResiduals(mbX, tokens);
                if (filterType > 0) {
                    int[] f = filterStrength[segment][isI4x4 ? 1 : 0];
                    int o = 4 * (mbY * mbW + mbX);
                    filters[o] = f[0];
                    filters[o + 1] = f[1];
                    filters[o + 2] = f[2];
                    filters[o + 3] = isI4x4 || !noCoeffs ? 1 : 0;
                }
                reconstruct(ws, mbX, mbY, yPlane, uPlane, vPlane);
            }
            if (header.eof() || tokens.eof()) {
                throw new BadImageException(name, "VP8 data ends early (macroblock row " + mbY + " of " + mbH + ")");
            }
        }
        if (filterType > 0) {
            for (int mbY = 0; mbY < mbH; mbY++) {
                for (int mbX = 0; mbX < mbW; mbX++) {
                    filterMacroblock(filters, filterType == 1, mbX, mbY, yPlane, uPlane, vPlane);
                }
            }
        }
        return new Planes(width, height, mbW, mbH, yPlane, uPlane, vPlane);
    }

    private void parseIntraMode(int mbX) {
        Vp8BoolDecoder br = header;
        segment = !updateMap ? 0
                : br.bit(segmentProbs[0]) == 0 ? br.bit(segmentProbs[1]) : 2 + br.bit(segmentProbs[2]);
        skip = useSkipProb && br.bit(skipProb) == 1;
        isI4x4 = br.bit(145) == 0;
        int top = 4 * mbX;
        if (!isI4x4) {
            int ymode = br.bit(156) == 1
                    ? (br.bit(128) == 1 ? Vp8Intra.TM_PRED : Vp8Intra.H_PRED)
                    : (br.bit(163) == 1 ? Vp8Intra.V_PRED : Vp8Intra.DC_PRED);
            imodes[0] = ymode;
            Arrays.fill(intraTop, top, top + 4, ymode);
            Arrays.fill(intraLeft, ymode);
        } else {
            for (int y = 0; y < 4; y++) {
                int ymode = intraLeft[y];
                for (int x = 0; x < 4; x++) {
                    ymode = subblockMode(br, 9 * (10 * intraTop[top + x] + ymode));
                    intraTop[top + x] = ymode;
                    imodes[4 * y + x] = ymode;
                }
                intraLeft[y] = ymode;
            }
        }
        uvMode = br.bit(142) == 0 ? Vp8Intra.DC_PRED
                : br.bit(114) == 0 ? Vp8Intra.V_PRED
                : br.bit(183) == 1 ? Vp8Intra.TM_PRED : Vp8Intra.H_PRED;
    }

    /** The 4x4 mode tree of RFC 6386 section 11.2, with the probabilities at {@code BMODE_PROBS[p..p+9)}. */
    private static int subblockMode(Vp8BoolDecoder br, int p) {
        int[] prob = Vp8Tables.BMODE_PROBS;
        if (br.bit(prob[p]) == 0) {
            return Vp8Intra.DC_PRED;
        }
        if (br.bit(prob[p + 1]) == 0) {
            return Vp8Intra.TM_PRED;
        }
        if (br.bit(prob[p + 2]) == 0) {
            return Vp8Intra.V_PRED;
        }
        if (br.bit(prob[p + 3]) == 0) {
            if (br.bit(prob[p + 4]) == 0) {
                return Vp8Intra.H_PRED;
            }
            return br.bit(prob[p + 5]) == 0 ? Vp8Intra.B_RD_PRED : Vp8Intra.B_VR_PRED;
        }
        if (br.bit(prob[p + 6]) == 0) {
            return Vp8Intra.B_LD_PRED;
        }
        if (br.bit(prob[p + 7]) == 0) {
            return Vp8Intra.B_VL_PRED;
        }
        return br.bit(prob[p + 8]) == 0 ? Vp8Intra.B_HD_PRED : Vp8Intra.B_HU_PRED;
    }

    // ---------------------------------------------------------------- coefficients (section 13)

    /** Reads the macroblock's coefficients; true when all are zero (its inner edges then go unfiltered). */
    private boolean decodeResiduals(int mbX, Vp8BoolDecoder br) {
        Arrays.fill(coeffs, (short) 0);
        if (skip) {
            nzTop[mbX] = 0;
            nzLeft = 0;
            if (!isI4x4) {
                nzDcTop[mbX] = 0;
                nzDcLeft = 0;
            }
            nonZeroY = 0;
            nonZeroUv = 0;
            return true;
        }
        int[] q = dequant[segment];
        int first;
        int acType;
        if (!isI4x4) {
            short[] dc = dcCoeffs;
            Arrays.fill(dc, (short) 0);
            int nz = coefficients(br, TYPE_I16_DC, nzDcTop[mbX] + nzDcLeft, q[2], q[3], 0, dc, 0);
            nzDcTop[mbX] = nzDcLeft = nz > 0 ? 1 : 0;
            if (nz > 1) {
                Vp8Intra.inverseWht(dc, coeffs, transformScratch);
            } else { // DC only: the transform reduces to a constant
                short dc0 = (short) ((dc[0] + 3) >> 3);
                for (int i = 0; i < 256; i += 16) {
                    coeffs[i] = dc0;
                }
            }
            first = 1;
            acType = TYPE_I16_AC;
        } else {
            first = 0;
            acType = TYPE_I4;
        }
        int tnz = nzTop[mbX] & 0x0F;
        int lnz = nzLeft & 0x0F;
        int nonZeroYBits = 0;
        for (int y = 0; y < 4; y++) {
            int l = lnz & 1;
            int codes = 0;
            for (int x = 0; x < 4; x++) {
                int ctx = l + (tnz & 1);
                int block = 16 * (4 * y + x);
                int nz = coefficients(br, acType, ctx, q[0], q[1], first, coeffs, block);
                l = nz > first ? 1 : 0;
                tnz = (tnz >> 1) | (l << 7);
                codes = (codes << 2) | transformCode(nz, coeffs[block] != 0);
            }
            tnz >>= 4;
            lnz = (lnz >> 1) | (l << 7);
            nonZeroYBits = (nonZeroYBits << 8) | codes;
        }
        int outTop = tnz;
        int outLeft = lnz >> 4;
        int nonZeroUvBits = 0;
        for (int ch = 0; ch < 4; ch += 2) {
            int codes = 0;
            tnz = nzTop[mbX] >> (4 + ch);
            lnz = nzLeft >> (4 + ch);
            for (int y = 0; y < 2; y++) {
                int l = lnz & 1;
                for (int x = 0; x < 2; x++) {
                    int ctx = l + (tnz & 1);
                    int block = 256 + 16 * (2 * ch + 2 * y + x);
                    int nz = coefficients(br, TYPE_CHROMA, ctx, q[4], q[5], 0, coeffs, block);
                    l = nz > 0 ? 1 : 0;
                    tnz = (tnz >> 1) | (l << 3);
                    codes = (codes << 2) | transformCode(nz, coeffs[block] != 0);
                }
                tnz >>= 2;
                lnz = (lnz >> 1) | (l << 5);
            }
            nonZeroUvBits |= codes << (4 * ch);
            outTop |= (tnz << 4) << ch;
            outLeft |= (lnz & 0xF0) << ch;
        }
        nzTop[mbX] = outTop;
        nzLeft = outLeft;
        nonZeroY = nonZeroYBits;
        nonZeroUv = nonZeroUvBits;
        return (nonZeroYBits | nonZeroUvBits) == 0;
    }

    /** 3: full inverse transform, 2: only coefficients 0, 1 and 4 (same result), 1: DC only, 0: none. */
    private static int transformCode(int nz, boolean dcNonZero) {
        return nz > 3 ? 3 : nz > 1 ? 2 : dcNonZero ? 1 : 0;
    }

    private int probIndex(int type, int position, int ctx) {
        return ((type * 8 + BANDS[position]) * 3 + ctx) * 11;
    }

    /**
     * Reads one block's tokens from position {@code n}, writing dequantized coefficients
     * (natural order) at {@code out[o..]}; returns one past the last non-zero position.
     */
    private int coefficients(Vp8BoolDecoder br, int type, int ctx, int dcQ, int acQ, int n, short[] out, int o) {
        int[] prob = coeffProbs;
        int p = probIndex(type, n, ctx);
        for (; n < 16; n++) {
            if (br.bit(prob[p]) == 0) {
                return n; // end of block
            }
            while (br.bit(prob[p + 1]) == 0) { // a zero coefficient
                p = probIndex(type, ++n, 0);
                if (n == 16) {
                    return 16;
                }
            }
            int v;
            if (br.bit(prob[p + 2]) == 0) {
                v = 1;
                p = probIndex(type, n + 1, 1);
            } else {
                v = largeValue(br, prob, p);
                p = probIndex(type, n + 1, 2);
            }
            out[o + ZIGZAG[n]] = (short) (br.signed(v) * (n > 0 ? acQ : dcQ));
        }
        return 16;
    }

    private static int largeValue(Vp8BoolDecoder br, int[] prob, int p) {
        if (br.bit(prob[p + 3]) == 0) {
            return br.bit(prob[p + 4]) == 0 ? 2 : 3 + br.bit(prob[p + 5]);
        }
        if (br.bit(prob[p + 6]) == 0) {
            if (br.bit(prob[p + 7]) == 0) {
                return 5 + br.bit(159);
            }
            int v = 7 + 2 * br.bit(165);
            return v + br.bit(145);
        }
        int bit1 = br.bit(prob[p + 8]);
        int bit0 = br.bit(prob[p + 9 + bit1]);
        int cat = 2 * bit1 + bit0;
        int v = 0;
        for (int catProb : CAT_PROBS[cat]) {
            v += v + br.bit(catProb);
        }
        return v + 3 + (8 << cat);
    }

    // ---------------------------------------------------------------- reconstruction

    /**
     * Predicts the macroblock in the work buffer from its unfiltered neighbours (127
     * above the frame, 129 left of it, as libwebp), adds the residual and stores it.
     */
    private void reconstruct(byte[] ws, int mbX, int mbY, byte[] yp, byte[] up, byte[] vp) {
        int yStride = mbW * 16, uvStride = mbW * 8;
        loadBorders(ws, Y_OFF, 16, yp, yStride, mbX, mbY);
        loadBorders(ws, U_OFF, 8, up, uvStride, mbX, mbY);
        loadBorders(ws, V_OFF, 8, vp, uvStride, mbX, mbY);
        // Top-right of the 4x4 blocks on the right column: the pixels above-right of the macroblock.
        int topRight = Y_OFF - BPS + 16;
        if (mbY > 0) {
            int above = (mbY * 16 - 1) * yStride + mbX * 16;
            for (int i = 0; i < 4; i++) {
                ws[topRight + i] = mbX < mbW - 1 ? yp[above + 16 + i] : yp[above + 15];
            }
        } else {
            Arrays.fill(ws, topRight, topRight + 4, (byte) 127);
        }
        for (int r = 1; r < 4; r++) {
            System.arraycopy(ws, topRight, ws, topRight + 4 * r * BPS, 4);
        }
        if (isI4x4) {
            int bits = nonZeroY;
            for (int n = 0; n < 16; n++, bits <<= 2) {
                int dst = Y_OFF + (n >> 2) * 4 * BPS + (n & 3) * 4;
                Vp8Intra.predict4(ws, dst, imodes[n]);
                addResidual(bits >>> 30, n * 16, ws, dst);
            }
        } else {
            Vp8Intra.predictBlock(ws, Y_OFF, 16, imodes[0], mbY > 0, mbX > 0);
            int bits = nonZeroY;
            for (int n = 0; n < 16; n++, bits <<= 2) {
                addResidual(bits >>> 30, n * 16, ws, Y_OFF + (n >> 2) * 4 * BPS + (n & 3) * 4);
            }
        }
        Vp8Intra.predictBlock(ws, U_OFF, 8, uvMode, mbY > 0, mbX > 0);
        Vp8Intra.predictBlock(ws, V_OFF, 8, uvMode, mbY > 0, mbX > 0);
        for (int n = 0; n < 4; n++) {
            int at = (n >> 1) * 4 * BPS + (n & 1) * 4;
            addResidual((nonZeroUv >> (2 * (3 - n))) & 3, 256 + 16 * n, ws, U_OFF + at);
            addResidual((nonZeroUv >> (8 + 2 * (3 - n))) & 3, 320 + 16 * n, ws, V_OFF + at);
        }
        store(ws, Y_OFF, 16, yp, yStride, mbX, mbY);
        store(ws, U_OFF, 8, up, uvStride, mbX, mbY);
        store(ws, V_OFF, 8, vp, uvStride, mbX, mbY);
    }

    private void addResidual(int code, int co, byte[] ws, int dst) {
        if (code >= 2) {
            Vp8Intra.inverseDct(coeffs, co, ws, dst, transformScratch);
        } else if (code == 1) {
            Vp8Intra.inverseDc(coeffs, co, ws, dst);
        }
    }

    /** Fills the row above and the column left of a {@code size} block from the plane, or 127 / 129 at the edge. */
    private static void loadBorders(byte[] ws, int off, int size, byte[] plane, int stride, int mbX, int mbY) {
        int x0 = mbX * size, y0 = mbY * size;
        for (int j = 0; j < size; j++) {
            ws[off + j * BPS - 1] = mbX > 0 ? plane[(y0 + j) * stride + x0 - 1] : (byte) 129;
        }
        if (mbY > 0) {
            System.arraycopy(plane, (y0 - 1) * stride + x0, ws, off - BPS, size);
            ws[off - BPS - 1] = mbX > 0 ? plane[(y0 - 1) * stride + x0 - 1] : (byte) 129;
        } else {
            Arrays.fill(ws, off - BPS - 1, off - BPS + size, (byte) 127);
        }
    }

    private static void store(byte[] ws, int off, int size, byte[] plane, int stride, int mbX, int mbY) {
        for (int j = 0; j < size; j++) {
            System.arraycopy(ws, off + j * BPS, plane, (mbY * size + j) * stride + mbX * size, size);
        }
    }

    // ---------------------------------------------------------------- loop filter (section 15)

    private void filterMacroblock(int[] filters, boolean simple, int mbX, int mbY, byte[] yp, byte[] up, byte[] vp) {
        int o = 4 * (mbY * mbW + mbX);
        int limit = filters[o], ilevel = filters[o + 1], hev = filters[o + 2];
        boolean inner = filters[o + 3] != 0;
        if (limit == 0) {
            return;
        }
        int ys = mbW * 16, uvs = mbW * 8;
        int y0 = mbY * 16 * ys + mbX * 16;
        if (simple) {
            if (mbX > 0) {
                Vp8LoopFilter.simple(yp, y0, 1, ys, 16, limit + 4);
            }
            if (inner) {
                for (int k = 4; k < 16; k += 4) {
                    Vp8LoopFilter.simple(yp, y0 + k, 1, ys, 16, limit);
                }
            }
            if (mbY > 0) {
                Vp8LoopFilter.simple(yp, y0, ys, 1, 16, limit + 4);
            }
            if (inner) {
                for (int k = 4; k < 16; k += 4) {
                    Vp8LoopFilter.simple(yp, y0 + k * ys, ys, 1, 16, limit);
                }
            }
            return;
        }
        int c0 = mbY * 8 * uvs + mbX * 8;
        if (mbX > 0) {
            Vp8LoopFilter.normal(yp, y0, 1, ys, 16, limit + 4, ilevel, hev, true);
            Vp8LoopFilter.normal(up, c0, 1, uvs, 8, limit + 4, ilevel, hev, true);
            Vp8LoopFilter.normal(vp, c0, 1, uvs, 8, limit + 4, ilevel, hev, true);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                Vp8LoopFilter.normal(yp, y0 + k, 1, ys, 16, limit, ilevel, hev, false);
            }
            Vp8LoopFilter.normal(up, c0 + 4, 1, uvs, 8, limit, ilevel, hev, false);
            Vp8LoopFilter.normal(vp, c0 + 4, 1, uvs, 8, limit, ilevel, hev, false);
        }
        if (mbY > 0) {
            Vp8LoopFilter.normal(yp, y0, ys, 1, 16, limit + 4, ilevel, hev, true);
            Vp8LoopFilter.normal(up, c0, uvs, 1, 8, limit + 4, ilevel, hev, true);
            Vp8LoopFilter.normal(vp, c0, uvs, 1, 8, limit + 4, ilevel, hev, true);
        }
        if (inner) {
            for (int k = 4; k < 16; k += 4) {
                Vp8LoopFilter.normal(yp, y0 + k * ys, ys, 1, 16, limit, ilevel, hev, false);
            }
            Vp8LoopFilter.normal(up, c0 + 4 * uvs, uvs, 1, 8, limit, ilevel, hev, false);
            Vp8LoopFilter.normal(vp, c0 + 4 * uvs, uvs, 1, 8, limit, ilevel, hev, false);
        }
    }
}
