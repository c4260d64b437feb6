package dev.jclip.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the entropy-coded bits of a scan as libjpeg-turbo's jpeg_fill_bit_buffer does: 0xFF 0x00
 * is a 0xFF data byte, 0xFF fill bytes are skipped, and a marker ends the data. Past a marker it
 * supplies zero bits, but decoding must never use them: {@link #checkNoOverrun} refuses an MCU
 * that did (libjpeg-turbo warns "premature end of data segment" and decodes zeros). Data that
 * ends without a marker is a truncated file (libjpeg-turbo suspends, Pillow raises).
 */
final class JpegBitReader {
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private final byte[] data;
    private final String name;
    /** Next byte to read; at a marker, the 0xFF before its code. */
    private int pos;
    /** Bits not yet used: the low {@link #bits} bits of {@link #acc}. */
    private long acc;
    private int bits;
    /** How many of the bits appended were zeros past a marker. */
    private int padBits;
    private boolean atMarker;

    JpegBitReader(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    /** Starts reading entropy-coded data at {@code position}. */
    void start(int position) {
        pos = position;
        acc = 0;
        bits = 0;
        padBits = 0;
        atMarker = false;
    }

    /**
     * Where the marker that ended the data is (its 0xFF), skipping what the decoder did not use;
     * bytes before it that are not a marker are skipped as libjpeg's next_marker skips them.
     */
    int markerPosition() throws BadImageException {
        int p = pos;
        while (true) {
            while (p < data.length && data[p] != (byte) 0xFF) {
                p++;
            }
            int q = p;
            while (q < data.length && data[q] == (byte) 0xFF) {
                q++;
            }
            if (q >= data.length) {
                throw truncated();
            }
            if (data[q] != 0) {
                return q - 1;
            }
            p = q + 1;
        }
    }

    private BadImageException truncated() {
        return new BadImageException(name, "truncated JPEG file (image file is truncated: the entropy-coded data ends"
                + " without a marker)");
    }

    private void fill() throws BadImageException {
        if (!atMarker && pos + 8 <= data.length) {
            // The common case: the next 8 bytes hold no 0xFF, so as many as fit go in at once.
            long word = (long) BIG_ENDIAN_LONG.get(data, pos);
            if (!hasFFByte(word)) {
                int n = Math.min(7, (64 - bits) >> 3);
                acc = acc << (8 * n) | word >>> (64 - 8 * n);
                bits += 8 * n;
                pos += n;
                return;
            }
        }
        while (bits <= 56) {
            if (atMarker) {
                acc <<= 8;
                bits += 8;
                padBits += 8;
                continue;
            }
            if (pos >= data.length) {
                throw truncated();
            }
            int b = data[pos] & 0xFF;
            if (b != 0xFF) {
                acc = acc << 8 | b;
                bits += 8;
                pos++;
                continue;
            }
            int q = pos + 1;
            while (q < data.length && data[q] == (byte) 0xFF) {
                q++;
            }
            if (q >= data.length) {
                throw truncated();
            }
            if (data[q] == 0) {
                acc = acc << 8 | 0xFF;
                bits += 8;
                pos = q + 1;
            } else {
                pos = q - 1;
                atMarker = true;
            }
        }
    }

    /** Whether any byte of {@code word} is 0xFF (a zero byte of its complement, found without a loop). */
    private static boolean hasFFByte(long word) {
        long x = ~word;
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }

    /** Decodes one Huffman symbol; leaves at least 16 bits for the value bits that follow it. */
    int decode(JpegHuffmanTable table) throws BadImageException {
        if (bits < 32) {
            fill();
        }
        int entry = table.lookahead[(int) (acc >>> (bits - JpegHuffmanTable.LOOKAHEAD)) & JpegHuffmanTable.LOOKAHEAD_MASK];
        if (entry != 0) {
            bits -= entry >> 8;
            return entry & 0xFF;
        }
        int code16 = (int) (acc >>> (bits - 16)) & 0xFFFF;
        for (int len = JpegHuffmanTable.LOOKAHEAD + 1; len <= 16; len++) {
            int code = code16 >>> (16 - len);
            if (code <= table.maxCode[len]) {
                bits -= len;
                return table.symbols[code + table.valOffset[len]];
            }
        }
        throw new BadImageException(name, "corrupt JPEG data: bad Huffman code");
    }

    /**
     * An AC coefficient whose code and value fit in the lookahead, consumed, as
     * {@link JpegHuffmanTable#fastAc} holds it; 0 (nothing consumed) for any other symbol.
     */
    int fastAc(JpegHuffmanTable table) throws BadImageException {
        if (bits < 32) {
            fill();
        }
        int entry = table.fastAc[(int) (acc >>> (bits - JpegHuffmanTable.LOOKAHEAD)) & JpegHuffmanTable.LOOKAHEAD_MASK];
        bits -= entry & 0xFF;
        return entry;
    }

    /** The next {@code n} bits (n at most 16) as an unsigned number. */
    int bits(int n) throws BadImageException {
        if (bits < n) {
            fill();
        }
        bits -= n;
        return (int) (acc >>> bits) & ((1 << n) - 1);
    }

    /** The next {@code n} bits as a signed value of size n (JPEG's EXTEND); 0 for n = 0. */
    int signed(int n) throws BadImageException {
        if (n == 0) {
            return 0;
        }
        int v = bits(n);
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    /** Refuses the data if decoding used bits past the marker that ended it. */
    void checkNoOverrun() throws BadImageException {
        if (bits < padBits) {
            throw new BadImageException(name, "corrupt JPEG data: premature end of data segment");
        }
    }
}
