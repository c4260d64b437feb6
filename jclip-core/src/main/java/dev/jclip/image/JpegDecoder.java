package dev.jclip.image;

import dev.jclip.image.JpegColorOutput.Transform;
import java.util.Arrays;

/**
 * A JPEG decoder that gives exactly Pillow 12's pixels ({@code Image.open(f).load()}, which runs
 * libjpeg-turbo 3.1 with its defaults): baseline, extended and progressive Huffman-coded 8-bit
 * files, any integer sampling factors, restart markers; the accurate integer IDCT, fancy
 * upsampling, libjpeg-turbo's YCbCr tables and, for progressive files that leave coefficients
 * out, its block smoothing. Like Pillow it applies no ICC profile and no EXIF orientation. The
 * mode follows the number of components as in Pillow: 1 is L, 3 is RGB (YCbCr converted, RGB
 * kept), 4 is CMYK (YCCK converted, then every sample inverted: Adobe's stored convention).
 *
 * <p>Pillow refuses a truncated file; so does this decoder, and also a file whose data is corrupt
 * where libjpeg-turbo only warns and decodes garbage (a bad Huffman code, a premature end of a
 * segment, a missing restart marker). Arithmetic coding, lossless and hierarchical JPEG, other
 * precisions than 8 bits and other component counts than 1, 3 and 4 are refused by name. Every
 * failure is a {@link BadImageException} naming the file.
 *
 * <p>Where libjpeg-turbo's TurboJPEG library is installed, YCbCr and grayscale files are decoded
 * to their component planes by it ({@link TurboJpeg}), the same samples from its SIMD code,
 * and this decoder's upsampling and colour conversion finish them; any other file, and any that
 * TurboJPEG fails or warns on, is decoded here.
 */
public final class JpegDecoder {
    private final byte[] data;
    private final String name;
    private final long maxPixels;
    private int pos;
    private final int[][] quantTables = new int[4][];
    private final JpegHuffmanTable[] dcTables = new JpegHuffmanTable[4];
    private final JpegHuffmanTable[] acTables = new JpegHuffmanTable[4];
    private int restartInterval;
    private boolean jfif;
    private boolean adobe;
    private int adobeTransform;
    private int width;
    private int height;
    private boolean progressive;
    private JpegComponent[] comps;
    private int mcusWide;
    private int mcusHigh;
    private int scans;
    private boolean multiScan;
    private final RowPlanner planner;
    private RowResampler resampler;

    private JpegDecoder(byte[] data, String name, long maxPixels, RowPlanner planner) {
        this.data = data;
        this.name = name;
        this.maxPixels = maxPixels;
        this.planner = planner;
    }

    /**
     * Decodes a JPEG file; {@code name} identifies it in errors. A frame declaring more than
     * {@code maxPixels} pixels is refused before anything is allocated for it.
     */
    public static PixelImage decode(byte[] data, String name, long maxPixels) throws BadImageException {
        return decode(data, name, maxPixels, null);
    }

    /**
     * Decodes a JPEG file straight into the resampler that {@code planner} gives for its frame
     * (the same pixels as decoding, then resampling): only the rows and blocks that the kept
     * window reads are converted and transformed, and no full-size image is made. Returns the
     * kept window, or the whole image when the planner gave no resampler.
     */
    static PixelImage decode(byte[] data, String name, long maxPixels, RowPlanner planner) throws BadImageException {
        if (TurboJpeg.available()) {
            PixelImage image = TurboJpeg.decode(data, maxPixels, planner);
            if (image != null) {
                return image;
            }
        }
        return new JpegDecoder(data, name, maxPixels, planner).run();
    }

    private BadImageException corrupt(String what) {
        return new BadImageException(name, "corrupt JPEG data: " + what);
    }

    private BadImageException unsupported(String what) {
        return new BadImageException(name, what + " is not supported");
    }

    private PixelImage run() throws BadImageException {
        if (data.length < 2 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw new BadImageException(name, "not a JPEG file (no SOI marker)");
        }
        pos = 2;
        JpegScanDecoder scanDecoder = new JpegScanDecoder(data, name);
        while (true) {
            int marker = nextMarker();
            switch (marker) {
                case 0xC0, 0xC1 -> frame(false);
                case 0xC2 -> frame(true);
                case 0xC3 -> throw unsupported("lossless JPEG (SOF3)");
                case 0xC5, 0xC6, 0xC7 -> throw unsupported(String.format("hierarchical JPEG (SOF%d)", marker - 0xC0));
                case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF -> throw unsupported(
                        String.format("arithmetic-coded JPEG (SOF%d)", marker - 0xC0));
                case 0xC4 -> huffmanTables();
                case 0xDB -> quantizationTables();
                case 0xDD -> {
                    if (segmentLength() != 4) {
                        throw corrupt("DRI segment of length " + segmentLength());
                    }
                    restartInterval = u16(pos + 2);
                    pos += 4;
                }
                case 0xDA -> {
                    scan(scanDecoder);
                    if (!multiScan) {
                        // libjpeg-turbo decodes a single-scan file without reading on to EOI.
                        return output();
                    }
                }
                case 0xD9 -> {
                    return finish();
                }
                case 0xE0, 0xEE -> colorMarker(marker);
                case 0xD8 -> throw corrupt("a second SOI marker");
                // RSTn and TEM outside a scan carry no data; libjpeg skips them.
                case 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0x01 -> { }
                default -> {
                    // APPn, COM, DNL and DAC segments are skipped, anything else is unknown.
                    boolean skipped = (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE || marker == 0xDC
                            || marker == 0xCC;
                    if (!skipped) {
                        throw corrupt(String.format("unknown marker 0x%02X", marker));
                    }
                    pos += segmentLength();
                }
            }
        }
    }

    /**
     * APP0 and APP14: a JFIF header (at least 14 bytes) or an Adobe one (at least 12) before the
     * first scan decides, as in libjpeg's examine_app0/examine_app14, how the components are read.
     */
    private void colorMarker(int marker) throws BadImageException {
        int len = segmentLength();
        if (scans == 0 && marker == 0xE0 && len - 2 >= 14 && startsWith(pos + 2, "JFIF\0")) {
            jfif = true;
        }
        if (scans == 0 && marker == 0xEE && len - 2 >= 12 && startsWith(pos + 2, "Adobe")) {
            adobe = true;
            adobeTransform = data[pos + 13] & 0xFF;
        }
        pos += len;
    }

    /** libjpeg's next_marker: skips stray bytes and 0xFF fill, returns the marker code after pos. */
    private int nextMarker() throws BadImageException {
        while (true) {
            while (pos < data.length && data[pos] != (byte) 0xFF) {
                pos++;
            }
            while (pos < data.length && data[pos] == (byte) 0xFF) {
                pos++;
            }
            if (pos >= data.length) {
                throw truncated("before its EOI marker");
            }
            int code = data[pos++] & 0xFF;
            if (code != 0) {
                return code;
            }
        }
    }

    private BadImageException truncated(String where) {
        return new BadImageException(name, "truncated JPEG file (image file is truncated " + where + ")");
    }

    private int u16(int p) throws BadImageException {
        if (p + 2 > data.length) {
            throw truncated("in a marker segment");
        }
        return (data[p] & 0xFF) << 8 | (data[p + 1] & 0xFF);
    }

    /** The length of the segment at pos (its two length bytes included), checked against the file. */
    private int segmentLength() throws BadImageException {
        int len = u16(pos);
        if (len < 2) {
            throw corrupt("marker segment of length " + len);
        }
        if (pos + len > data.length) {
            throw truncated("in a marker segment");
        }
        return len;
    }

    private boolean startsWith(int p, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (p + i >= data.length || data[p + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void frame(boolean isProgressive) throws BadImageException {
        if (comps != null) {
            throw corrupt("a second SOF marker");
        }
        int len = segmentLength();
        if (len < 8) {
            throw corrupt("SOF segment of length " + len);
        }
        int p = pos + 2;
        int precision = data[p] & 0xFF;
        if (precision != 8) {
            throw unsupported(precision + "-bit JPEG (sample precision " + precision + ")");
        }
        height = u16(p + 1);
        width = u16(p + 3);
        int n = data[p + 5] & 0xFF;
        if (n != 1 && n != 3 && n != 4) {
            throw unsupported("JPEG with " + n + " components (Pillow reads 1, 3 or 4)");
        }
        if (len != 8 + 3 * n) {
            throw corrupt("SOF segment of length " + len + " for " + n + " components");
        }
        if (height == 0) {
            throw unsupported("JPEG whose height is given later (in a DNL marker)");
        }
        if (width == 0) {
            throw corrupt("image width 0");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new BadImageException(name, "image declares " + width + "x" + height + " = " + pixels
                    + " pixels, more than the limit of " + maxPixels + " (possible decompression bomb)");
        }
        int maxH = 1, maxV = 1;
        for (int i = 0; i < n; i++) {
            int hv = data[p + 7 + 3 * i] & 0xFF;
            int h = hv >> 4, v = hv & 15;
            if (h < 1 || h > 4 || v < 1 || v > 4) {
                throw corrupt("sampling factors " + h + "x" + v);
            }
            maxH = Math.max(maxH, h);
            maxV = Math.max(maxV, v);
        }
        comps = new JpegComponent[n];
        for (int i = 0; i < n; i++) {
            int q = p + 6 + 3 * i;
            int hv = data[q + 1] & 0xFF;
            int h = hv >> 4, v = hv & 15;
            if (maxH % h != 0 || maxV % v != 0) {
                throw unsupported("sampling factors " + h + "x" + v + " in a frame of " + maxH + "x" + maxV
                        + " (a fractional upsampling ratio)");
            }
            comps[i] = new JpegComponent(data[q] & 0xFF, h, v, data[q + 2] & 0xFF, width, height, maxH, maxV);
        }
        mcusWide = (width + 8 * maxH - 1) / (8 * maxH);
        mcusHigh = (height + 8 * maxV - 1) / (8 * maxV);
        progressive = isProgressive;
        pos += len;
    }

    private void quantizationTables() throws BadImageException {
        int len = segmentLength();
        int end = pos + len;
        int p = pos + 2;
        while (p < end) {
            int pq = (data[p] & 0xFF) >> 4, tq = data[p] & 15;
            p++;
            if (tq > 3) {
                throw corrupt("quantization table index " + tq);
            }
            if (pq > 1) {
                throw corrupt("quantization table precision " + pq);
            }
            int size = pq == 0 ? 64 : 128;
            if (p + size > end) {
                throw corrupt("DQT segment shorter than its tables");
            }
            int[] table = new int[64];
            for (int k = 0; k < 64; k++) {
                table[JpegScanDecoder.NATURAL_ORDER[k]] = pq == 0 ? data[p + k] & 0xFF : u16(p + 2 * k);
            }
            quantTables[tq] = table;
            p += size;
        }
        pos = end;
    }

    private void huffmanTables() throws BadImageException {
        int len = segmentLength();
        int end = pos + len;
        int p = pos + 2;
        while (p < end) {
            int tc = (data[p] & 0xFF) >> 4, th = data[p] & 15;
            if (tc > 1 || th > 3) {
                throw corrupt(String.format("Huffman table index 0x%02X", data[p] & 0xFF));
            }
            if (p + 17 > end) {
                throw corrupt("DHT segment shorter than its tables");
            }
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) {
                counts[i] = data[p + i] & 0xFF;
                total += counts[i];
            }
            p += 17;
            if (total > 256 || p + total > end) {
                throw corrupt("DHT segment shorter than its tables");
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = data[p + i] & 0xFF;
            }
            p += total;
            JpegHuffmanTable table = new JpegHuffmanTable(counts, symbols, tc == 0, name);
            (tc == 0 ? dcTables : acTables)[th] = table;
        }
        pos = end;
    }

    private void scan(JpegScanDecoder decoder) throws BadImageException {
        if (comps == null) {
            throw corrupt("SOS marker before SOF");
        }
        int len = segmentLength();
        int p = pos + 2;
        int ns = len > 2 ? data[p] & 0xFF : 0;
        if (ns < 1 || ns > 4 || len != 6 + 2 * ns) {
            throw corrupt("SOS segment of length " + len + " for " + ns + " components");
        }
        JpegComponent[] inScan = new JpegComponent[ns];
        int blocksPerMcu = 0;
        for (int i = 0; i < ns; i++) {
            int id = data[p + 1 + 2 * i] & 0xFF;
            int tables = data[p + 2 + 2 * i] & 0xFF;
            JpegComponent c = component(id);
            for (int j = 0; j < i; j++) {
                if (inScan[j] == c) {
                    throw corrupt("component " + id + " twice in a scan");
                }
            }
            inScan[i] = c;
            blocksPerMcu += c.h * c.v;
            c.dc = (tables >> 4) < 4 ? dcTables[tables >> 4] : null;
            c.ac = (tables & 15) < 4 ? acTables[tables & 15] : null;
        }
        int q = p + 1 + 2 * ns;
        int ss = data[q] & 0xFF, se = data[q + 1] & 0xFF;
        int ah = (data[q + 2] & 0xFF) >> 4, al = data[q + 2] & 15;
        if (ns > 1 && blocksPerMcu > 10) {
            throw corrupt(blocksPerMcu + " blocks in an MCU (at most 10)");
        }
        if (scans == 0) {
            plan();
            multiScan = progressive || ns < comps.length;
            if (multiScan) {
                for (JpegComponent c : comps) {
                    c.coefs = new short[Math.multiplyExact(c.blocksWide * c.blocksHigh, 64)];
                    c.lastAc = progressive ? new byte[c.blocksWide * c.blocksHigh] : null;
                }
            }
        }
        if (progressive) {
            checkProgression(inScan, ss, se, ah, al);
        }
        for (JpegComponent c : inScan) {
            if (c.quant == null) {
                if (c.quantIndex > 3 || quantTables[c.quantIndex] == null) {
                    throw corrupt("component " + c.id + " uses quantization table " + c.quantIndex
                            + ", which is not defined");
                }
                c.quant = quantTables[c.quantIndex].clone();
            }
            boolean needsDc = !progressive || (ss == 0 && ah == 0);
            boolean needsAc = !progressive || ss > 0;
            if ((needsDc && c.dc == null) || (needsAc && c.ac == null)) {
                throw corrupt("component " + c.id + " uses a Huffman table that is not defined");
            }
        }
        pos += len;
        scans++;
        JpegScanDecoder.Scan scan = new JpegScanDecoder.Scan(inScan, progressive, ss, se, ah, al, !multiScan);
        pos = decoder.decode(pos, scan, mcusWide, mcusHigh, restartInterval);
    }

    private JpegComponent component(int id) throws BadImageException {
        for (JpegComponent c : comps) {
            if (c.id == id) {
                return c;
            }
        }
        throw corrupt("scan component " + id + " is not in the frame");
    }

    /** libjpeg-turbo's checks of a progressive scan (start_pass_phuff_decoder), and its record of coded bits. */
    private void checkProgression(JpegComponent[] inScan, int ss, int se, int ah, int al) throws BadImageException {
        boolean bad = ss == 0 ? se != 0 : ss > se || se > 63 || inScan.length != 1;
        if (bad || (ah != 0 && al != ah - 1) || al > 13) {
            throw corrupt("bad progression parameters Ss=" + ss + " Se=" + se + " Ah=" + ah + " Al=" + al);
        }
        for (JpegComponent c : inScan) {
            Arrays.fill(c.coefBits, ss, se + 1, al);
        }
    }

    /** At EOI: the inverse DCT of every block of a multi-scan file, smoothed where libjpeg-turbo smooths. */
    private PixelImage finish() throws BadImageException {
        if (comps == null || scans == 0) {
            throw corrupt("EOI marker before any image data");
        }
        if (!multiScan) {
            return output();
        }
        boolean smooth = progressive && JpegBlockSmoothing.applies(comps);
        int[] ws = new int[JpegIdct.WORKSPACE];
        for (JpegComponent c : comps) {
            if (c.quant == null) {
                // Never in a scan: libjpeg-turbo's dequantization table stays zero (a flat gray plane).
                c.quant = new int[64];
            }
            if (smooth) {
                JpegBlockSmoothing.transform(c, mcusHigh);
                continue;
            }
            for (int by = c.by0; by < Math.min(c.heightInBlocks, c.by1); by++) {
                for (int bx = c.bx0; bx < Math.min(c.widthInBlocks, c.bx1); bx++) {
                    JpegIdct.transform(c.coefs, c.coefOffset(bx, by), c.quant, ws, c.plane, c.planeOffset(bx, by),
                            c.stride);
                }
            }
        }
        return output();
    }

    private PixelImage output() {
        return resampler != null ? JpegColorOutput.stream(comps, width, transform(), resampler)
                : JpegColorOutput.render(comps, width, height, transform());
    }

    /**
     * Asks the planner (before the first scan) for a resampler; with one, each component keeps
     * only the blocks the resampler's window reads.
     */
    private void plan() {
        Transform t = transform();
        if (planner == null || (t != Transform.YCC && t != Transform.GRAY)) {
            return;
        }
        resampler = planner.plan(width, height, t == Transform.GRAY ? PixelImage.Mode.L : PixelImage.Mode.RGB);
        if (resampler == null) {
            return;
        }
        int maxH = 1, maxV = 1;
        for (JpegComponent c : comps) {
            maxH = Math.max(maxH, c.h);
            maxV = Math.max(maxV, c.v);
        }
        for (JpegComponent c : comps) {
            c.keepOnly(resampler.colLo(), resampler.colHi(), resampler.rowLo(), resampler.rowHi(), maxH / c.h,
                    maxV / c.v);
        }
    }

    /** How libjpeg-turbo reads the components (default_decompress_parms) and Pillow returns them. */
    private Transform transform() {
        return switch (comps.length) {
            case 1 -> Transform.GRAY;
            case 3 -> {
                if (jfif) {
                    yield Transform.YCC;
                }
                if (adobe) {
                    yield adobeTransform == 0 ? Transform.RGB : Transform.YCC;
                }
                boolean rgbIds = comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B';
                yield rgbIds ? Transform.RGB : Transform.YCC;
            }
            default -> adobe && adobeTransform != 0 ? Transform.YCCK : Transform.CMYK;
        };
    }
}
