package dev.jclip.image;

/**
 * A Huffman table from a DHT segment, checked as libjpeg-turbo's jpeg_make_d_derived_tbl checks
 * it, with a 10-bit lookahead table for the short codes and libjpeg's maxcode/valoffset search for
 * the longer ones.
 */
final class JpegHuffmanTable {
    /** Codes up to this long are decoded with one table lookup. */
    static final int LOOKAHEAD = 10;
    static final int LOOKAHEAD_MASK = (1 << LOOKAHEAD) - 1;

    /** Indexed by the next {@link #LOOKAHEAD} bits: {@code length << 8 | symbol}, 0 for a longer code. */
    final int[] lookahead = new int[1 << LOOKAHEAD];
    /** Marks the end-of-block code (symbol 0) in {@link #fastAc}. */
    static final int FAST_EOB = 1 << 12;
    /**
     * For AC tables, indexed like {@link #lookahead}: when the code and the value bits after it
     * both fit in the lookahead, {@code value << 16 | run << 8 | total length}; for the
     * end-of-block code {@code FAST_EOB | length}; else 0.
     */
    final int[] fastAc = new int[1 << LOOKAHEAD];
    /** The largest code of each length (1 to 16), -1 when there is none; index 17 is a sentinel. */
    final int[] maxCode = new int[18];
    /** Added to a code of each length to give its index in {@link #symbols}. */
    final int[] valOffset = new int[17];
    final int[] symbols;

    /**
     * @param counts  number of codes of each length, {@code counts[1]} to {@code counts[16]}
     * @param symbols the symbols in code order
     * @param dc      a DC table, whose symbols (difference sizes) must be at most 15
     */
    JpegHuffmanTable(int[] counts, int[] symbols, boolean dc, String name) throws BadImageException {
        this.symbols = symbols;
        int[] sizes = new int[symbols.length];
        int[] codes = new int[symbols.length];
        int p = 0;
        for (int len = 1; len <= 16; len++) {
            for (int i = 0; i < counts[len]; i++) {
                sizes[p++] = len;
            }
        }
        int code = 0;
        p = 0;
        for (int len = 1; len <= 16; len++) {
            while (p < sizes.length && sizes[p] == len) {
                codes[p++] = code++;
            }
            // No code may be all ones: the last code of each length must still fit in it.
            if (code >= 1 << len) {
                throw new BadImageException(name, "corrupt JPEG data: bad Huffman table (codes overflow length " + len + ")");
            }
            code <<= 1;
        }
        p = 0;
        for (int len = 1; len <= 16; len++) {
            if (counts[len] == 0) {
                maxCode[len] = -1;
                continue;
            }
            valOffset[len] = p - codes[p];
            p += counts[len];
            maxCode[len] = codes[p - 1];
        }
        maxCode[17] = Integer.MAX_VALUE;
        for (int i = 0; i < symbols.length && sizes[i] <= LOOKAHEAD; i++) {
            int shift = LOOKAHEAD - sizes[i];
            int first = codes[i] << shift;
            for (int j = 0; j < 1 << shift; j++) {
                lookahead[first + j] = sizes[i] << 8 | symbols[i];
            }
        }
        for (int i = 0; i < lookahead.length; i++) {
            int len = lookahead[i] >> 8, rs = lookahead[i] & 0xFF;
            int run = rs >> 4, size = rs & 15;
            if (len != 0 && size != 0 && len + size <= LOOKAHEAD) {
                int bits = (i >> (LOOKAHEAD - len - size)) & ((1 << size) - 1);
                int value = bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
                fastAc[i] = value << 16 | run << 8 | (len + size);
            } else if (len != 0 && rs == 0) {
                fastAc[i] = FAST_EOB | len;
            }
        }
        if (dc) {
            for (int s : symbols) {
                if (s > 15) {
                    throw new BadImageException(name, "corrupt JPEG data: bad Huffman table (DC symbol " + s + " > 15)");
                }
            }
        }
    }
}
