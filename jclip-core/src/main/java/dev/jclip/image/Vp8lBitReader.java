package dev.jclip.image;

/**
 * The VP8L bit reader: least significant bit first. Past the end it supplies zero
 * bits and records that it did ({@link #eos()}); the decoder refuses the stream then.
 */
final class Vp8lBitReader {
    private final byte[] data;
    private final int end;
    private int pos;
    private long window;
    private int bits; // bits in window, zero padding included
    private int padding; // zero bits added past the end, at the top of the window
    private boolean eos;

    Vp8lBitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /** True once a read consumed bits beyond the data. */
    boolean eos() {
        return eos;
    }

    /** The next {@code n} (at most 32) bits, without consuming them. */
    int peek(int n) {
        if (bits < n) {
            fill();
        }
        return (int) (window & ((1L << n) - 1));
    }

    /** Consumes {@code n} bits. */
    void skip(int n) {
        window >>>= n;
        bits -= n;
        if (bits < padding) {
            eos = true;
            padding = bits;
        }
    }

    /** Reads an {@code n}-bit (at most 32) unsigned value. */
    int read(int n) {
        int v = peek(n);
        skip(n);
        return v;
    }

    private void fill() {
        while (bits <= 56) {
            if (pos < end) {
                window |= (long) (data[pos++] & 0xFF) << bits;
            } else {
                padding += 8;
            }
            bits += 8;
        }
    }
}
