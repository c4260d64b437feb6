package dev.jclip.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a VP8L (WebP lossless) bitstream into ARGB pixels ({@code 0xAARRGGBB}),
 * following libwebp 1.6's vp8l_dec.c: transforms, color cache, meta prefix codes
 * and LZ77 backward references, with its validity checks. Also decodes the
 * header-less image stream that holds compressed WebP alpha (in green).
 */
final class Vp8lDecoder {
    private static final int NUM_LITERALS = 256, NUM_LENGTH_CODES = 24, NUM_DISTANCE_CODES = 40;
    private static final int MAX_CACHE_BITS = 11;
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    /** Code-length codes 16 (repeat the previous length), 17 and 18 (repeat zero): extra bits and minimum count. */
    private static final int[] REPEAT_BITS = {2, 3, 7}, REPEAT_MIN = {3, 3, 11};
    /** Distance codes 1..120: (dy << 4) | (8 - dx) of the 2D neighbourhood. */
    private static final int[] CODE_TO_PLANE = {
            0x18, 0x07, 0x17, 0x19, 0x28, 0x06, 0x27, 0x29, 0x16, 0x1a, 0x26, 0x2a,
            0x38, 0x05, 0x37, 0x39, 0x15, 0x1b, 0x36, 0x3a, 0x25, 0x2b, 0x48, 0x04,
            0x47, 0x49, 0x14, 0x1c, 0x35, 0x3b, 0x46, 0x4a, 0x24, 0x2c, 0x58, 0x45,
            0x4b, 0x34, 0x3c, 0x03, 0x57, 0x59, 0x13, 0x1d, 0x56, 0x5a, 0x23, 0x2d,
            0x44, 0x4c, 0x55, 0x5b, 0x33, 0x3d, 0x68, 0x02, 0x67, 0x69, 0x12, 0x1e,
            0x66, 0x6a, 0x22, 0x2e, 0x54, 0x5c, 0x43, 0x4d, 0x65, 0x6b, 0x32, 0x3e,
            0x78, 0x01, 0x77, 0x79, 0x53, 0x5d, 0x11, 0x1f, 0x64, 0x6c, 0x42, 0x4e,
            0x76, 0x7a, 0x21, 0x2f, 0x75, 0x7b, 0x31, 0x3f, 0x63, 0x6d, 0x52, 0x5e,
            0x00, 0x74, 0x7c, 0x41, 0x4f, 0x10, 0x20, 0x62, 0x6e, 0x30, 0x73, 0x7d,
            0x51, 0x5f, 0x40, 0x72, 0x7e, 0x61, 0x6f, 0x50, 0x71, 0x7f, 0x60, 0x70};

    /** The five codes of one group: green+lengths+cache, red, blue, alpha, distance. */
    private record Group(Vp8lHuffman green, Vp8lHuffman red, Vp8lHuffman blue, Vp8lHuffman alpha,
            Vp8lHuffman distance) {}

    private final Vp8lBitReader br;
    private final String name;
    private final List<Vp8lTransform> transforms = new ArrayList<>();
    private int transformsSeen;

    private Vp8lDecoder(byte[] data, int offset, int length, String name) {
        this.br = new Vp8lBitReader(data, offset, length);
        this.name = name;
    }

    /** Width, height and the alpha hint of a VP8L header (signature 0x2f, 14+14+1 bits, version 0). */
    static int[] header(byte[] data, int offset, int length, String name) throws BadImageException {
        if (length < 5 || (data[offset] & 0xFF) != 0x2F || ((data[offset + 4] & 0xFF) >> 5) != 0) {
            throw new BadImageException(name, "VP8L header is invalid (signature or version)");
        }
        Vp8lBitReader br = new Vp8lBitReader(data, offset + 1, 4);
        int w = br.read(14) + 1;
        int h = br.read(14) + 1;
        int alpha = br.read(1);
        return new int[] {w, h, alpha};
    }

    /** Decodes a VP8L chunk's payload into {@code width * height} ARGB pixels. */
    static int[] decode(byte[] data, int offset, int length, String name) throws BadImageException {
        int[] info = header(data, offset, length, name);
        return new Vp8lDecoder(data, offset + 5, length - 5, name).image(info[0], info[1]);
    }

    /** Decodes a header-less image stream of the given size (compressed alpha). */
    static int[] decodeStream(byte[] data, int offset, int length, int width, int height, String name)
            throws BadImageException {
        return new Vp8lDecoder(data, offset, length, name).image(width, height);
    }

    private BadImageException bad(String what) {
        return new BadImageException(name, "invalid WebP lossless data: " + what);
    }

    private static int subSampleSize(int size, int bits) {
        return (size + (1 << bits) - 1) >> bits;
    }

    /** The main image: transforms, then the entropy-coded pixels, then the inverse transforms. */
    private int[] image(int width, int height) throws BadImageException {
        int xsize = width;
        while (br.read(1) == 1) {
            xsize = readTransform(xsize, height);
        }
        int[] pixels = entropyCoded(xsize, height, true);
        for (int i = transforms.size() - 1; i >= 0; i--) {
            pixels = transforms.get(i).inverse(pixels, height);
        }
        return pixels;
    }

    /** Reads one transform; returns the width of the image that follows it. */
    private int readTransform(int xsize, int ysize) throws BadImageException {
        int type = br.read(2);
        if ((transformsSeen & (1 << type)) != 0) {
            throw bad("transform " + type + " appears twice");
        }
        transformsSeen |= 1 << type;
        switch (type) {
            case Vp8lTransform.PREDICTOR, Vp8lTransform.CROSS_COLOR -> {
                int bits = 2 + br.read(3);
                int[] tiles = entropyCoded(subSampleSize(xsize, bits), subSampleSize(ysize, bits), false);
                transforms.add(new Vp8lTransform(type, xsize, bits, tiles));
                return xsize;
            }
            case Vp8lTransform.COLOR_INDEXING -> {
                int colors = br.read(8) + 1;
                int bits = colors > 16 ? 0 : colors > 4 ? 1 : colors > 2 ? 2 : 3;
                int[] palette = entropyCoded(colors, 1, false);
                int[] map = new int[256]; // indices past the palette give transparent black
                map[0] = palette[0];
                for (int i = 1; i < colors; i++) { // stored as deltas from the previous entry, per channel
                    map[i] = addPixels(palette[i], map[i - 1]);
                }
                transforms.add(new Vp8lTransform(type, xsize, bits, map));
                return subSampleSize(xsize, bits);
            }
            default -> {
                transforms.add(new Vp8lTransform(type, xsize, 0, null));
                return xsize;
            }
        }
    }

    private static int addPixels(int a, int b) {
        int alphaGreen = (a & 0xFF00FF00) + (b & 0xFF00FF00);
        int redBlue = (a & 0x00FF00FF) + (b & 0x00FF00FF);
        return (alphaGreen & 0xFF00FF00) | (redBlue & 0x00FF00FF);
    }

    /**
     * An entropy-coded image: optional color cache, prefix codes (per tile of a meta
     * image when {@code main}), then literals, backward references and cache hits.
     */
    private int[] entropyCoded(int xsize, int ysize, boolean main) throws BadImageException {
        int cacheBits = 0;
        if (br.read(1) == 1) {
            cacheBits = br.read(4);
            if (cacheBits < 1 || cacheBits > MAX_CACHE_BITS) {
                throw bad("color cache of " + cacheBits + " bits");
            }
        }
        int metaBits = 0;
        int[] meta = null;
        int groupCount = 1;
        if (main && br.read(1) == 1) {
            metaBits = 2 + br.read(3);
            int mw = subSampleSize(xsize, metaBits), mh = subSampleSize(ysize, metaBits);
            meta = entropyCoded(mw, mh, false);
            for (int i = 0; i < meta.length; i++) {
                meta[i] = (meta[i] >> 8) & 0xFFFF; // group index in red and green
                groupCount = Math.max(groupCount, meta[i] + 1);
            }
        }
        if (br.eos()) {
            throw bad("data ends inside the headers");
        }
        boolean[] used = new boolean[groupCount];
        if (meta == null) {
            used[0] = true;
        } else {
            for (int g : meta) {
                used[g] = true;
            }
        }
        int greenAlphabet = NUM_LITERALS + NUM_LENGTH_CODES + (cacheBits > 0 ? 1 << cacheBits : 0);
        Group[] groups = new Group[groupCount];
        int[] lengths = new int[greenAlphabet];
        for (int g = 0; g < groupCount; g++) {
            Group group = new Group(readCode(greenAlphabet, lengths), readCode(NUM_LITERALS, lengths),
                    readCode(NUM_LITERALS, lengths), readCode(NUM_LITERALS, lengths),
                    readCode(NUM_DISTANCE_CODES, lengths));
            // Groups no tile uses are read (and checked) but not kept: a bad file may number up to 65536.
            groups[g] = used[g] ? group : null;
        }
        return pixels(xsize, ysize, groups, meta, metaBits, cacheBits);
    }

    private Vp8lHuffman readCode(int alphabet, int[] lengths) throws BadImageException {
        Arrays.fill(lengths, 0);
        if (br.read(1) == 1) { // simple code: one or two symbols
            int symbols = br.read(1) + 1;
            int first = br.read(br.read(1) == 0 ? 1 : 8);
            if (first < alphabet) {
                lengths[first] = 1;
            }
            if (symbols == 2) {
                int second = br.read(8);
                if (second < alphabet) {
                    lengths[second] = 1;
                }
            }
        } else {
            int[] codeLengthLengths = new int[CODE_LENGTH_ORDER.length];
            int n = br.read(4) + 4;
            for (int i = 0; i < n; i++) {
                codeLengthLengths[CODE_LENGTH_ORDER[i]] = br.read(3);
            }
            readCodeLengths(codeLengthLengths, alphabet, lengths);
        }
        Vp8lHuffman code = br.eos() ? null : Vp8lHuffman.build(lengths, alphabet);
        if (code == null) {
            throw bad("a prefix code is invalid or truncated");
        }
        return code;
    }

    private void readCodeLengths(int[] codeLengthLengths, int alphabet, int[] lengths) throws BadImageException {
        Vp8lHuffman lengthCode = Vp8lHuffman.build(codeLengthLengths, codeLengthLengths.length);
        if (lengthCode == null) {
            throw bad("the code-length code is invalid");
        }
        int maxSymbol = alphabet;
        if (br.read(1) == 1) {
            int nbits = 2 + 2 * br.read(3);
            maxSymbol = 2 + br.read(nbits);
            if (maxSymbol > alphabet) {
                throw bad("more code lengths (" + maxSymbol + ") than symbols (" + alphabet + ")");
            }
        }
        int prev = 8;
        for (int symbol = 0; symbol < alphabet; ) {
            if (maxSymbol-- == 0) {
                break;
            }
            int len = lengthCode.read(br);
            if (len < 16) {
                lengths[symbol++] = len;
                if (len != 0) {
                    prev = len;
                }
            } else {
                int repeat = br.read(REPEAT_BITS[len - 16]) + REPEAT_MIN[len - 16];
                if (symbol + repeat > alphabet) {
                    throw bad("code lengths repeat past the alphabet");
                }
                int value = len == 16 ? prev : 0;
                for (int i = 0; i < repeat; i++) {
                    lengths[symbol++] = value;
                }
            }
        }
    }

    /** Decodes {@code xsize * ysize} pixels. */
    private int[] pixels(int xsize, int ysize, Group[] groups, int[] meta, int metaBits, int cacheBits)
            throws BadImageException {
        int total = xsize * ysize;
        int[] out = new int[total];
        int[] cache = cacheBits > 0 ? new int[1 << cacheBits] : null;
        int cacheShift = 32 - cacheBits;
        int metaWidth = meta == null ? 0 : subSampleSize(xsize, metaBits);
        int lengthLimit = NUM_LITERALS + NUM_LENGTH_CODES;
        int cached = 0; // pixels before this one are in the cache
        int x = 0, y = 0;
        int tileMask = (1 << metaBits) - 1;
        Group group = groups[0];
        boolean copied = false;
        for (int pos = 0; pos < total; ) {
            if (meta != null && ((x & tileMask) == 0 || copied)) {
                group = groups[meta[(y >> metaBits) * metaWidth + (x >> metaBits)]];
            }
            copied = false;
            int code = group.green.read(br);
            if (code < NUM_LITERALS) {
                int red = group.red.read(br);
                int blue = group.blue.read(br);
                int alpha = group.alpha.read(br);
                out[pos++] = alpha << 24 | red << 16 | code << 8 | blue;
                x++;
            } else if (code < lengthLimit) {
                int length = prefixValue(code - NUM_LITERALS);
                int distSymbol = group.distance.read(br);
                int dist = planeCodeToDistance(xsize, prefixValue(distSymbol));
                if (br.eos()) {
                    break;
                }
                if (pos < dist || total - pos < length) {
                    throw bad("a backward reference points outside the image");
                }
                for (int i = 0; i < length; i++) {
                    out[pos + i] = out[pos + i - dist];
                }
                pos += length;
                x += length;
                copied = true;
            } else {
                if (cache == null) {
                    throw bad("color cache symbol without a cache");
                }
                while (cached < pos) {
                    cache[(0x1E35A7BD * out[cached]) >>> cacheShift] = out[cached];
                    cached++;
                }
                out[pos++] = cache[code - lengthLimit];
                x++;
            }
            while (x >= xsize) {
                x -= xsize;
                y++;
            }
            if (br.eos()) {
                break;
            }
            if (cache != null) {
                while (cached < pos) {
                    cache[(0x1E35A7BD * out[cached]) >>> cacheShift] = out[cached];
                    cached++;
                }
            }
        }
        if (br.eos()) {
            throw bad("data ends early");
        }
        return out;
    }

    /** Length and distance prefix codes: the symbol's range start plus extra bits. */
    private int prefixValue(int symbol) {
        if (symbol < 4) {
            return symbol + 1;
        }
        int extraBits = (symbol - 2) >> 1;
        int offset = (2 + (symbol & 1)) << extraBits;
        return offset + br.read(extraBits) + 1;
    }

    private static int planeCodeToDistance(int xsize, int planeCode) {
        if (planeCode > CODE_TO_PLANE.length) {
            return planeCode - CODE_TO_PLANE.length;
        }
        int distCode = CODE_TO_PLANE[planeCode - 1];
        int yoffset = distCode >> 4;
        int xoffset = 8 - (distCode & 0xF);
        return Math.max(1, yoffset * xsize + xoffset); // below 1 for very narrow images
    }
}
