package dev.jclip.image;

/**
 * VP8's boolean entropy decoder (RFC 6386 section 7) over one partition, in
 * libwebp's formulation: {@code range} is kept minus one and {@code bits} counts
 * the unread bits below the 8 being decoded. Reading past the end supplies zero
 * bits once and sets {@link #eof()}, as libwebp does; the frame decoder refuses a
 * partition that reached it.
 */
final class Vp8BoolDecoder {
    private final byte[] data;
    private final int end;
    private int pos;
    private int value;
    private int range = 255 - 1;
    private int bits = -8;
    private boolean eof;

    Vp8BoolDecoder(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
        load();
    }

    /** Whether a read needed bytes beyond the partition. */
    boolean eof() {
        return eof;
    }

    private void load() {
        if (pos < end) {
            bits += 8;
            value = (data[pos++] & 0xFF) | (value << 8);
        } else if (!eof) {
            value <<= 8;
            bits += 8;
            eof = true;
        } else {
            bits = 0;
        }
    }

    /** One bit that is 0 with probability {@code prob / 256}. */
    int bit(int prob) {
        if (bits < 0) {
            load();
        }
        int r = range;
        int split = (r * prob) >>> 8;
        int v = value >>> bits;
        int bit;
        if (v > split) {
            r -= split;
            value -= (split + 1) << bits;
            bit = 1;
        } else {
            r = split + 1;
            bit = 0;
        }
        int shift = 7 ^ (31 - Integer.numberOfLeadingZeros(r));
        r <<= shift;
        bits -= shift;
        range = r - 1;
        return bit;
    }

    /** {@code v} or {@code -v}, by one even-odds bit. */
    int signed(int v) {
        if (bits < 0) {
            load();
        }
        int pos = bits;
        int split = range >>> 1;
        int mask = (split - (value >>> pos)) >> 31; // -1 when the bit is 1
        bits = pos - 1;
        range = (range + mask) | 1;
        value -= ((split + 1) & mask) << pos;
        return (v ^ mask) - mask;
    }

    /** An unsigned {@code n}-bit literal, most significant bit first. */
    int literal(int n) {
        int v = 0;
        while (n-- > 0) {
            v |= bit(0x80) << n;
        }
        return v;
    }

    /** An {@code n}-bit magnitude followed by a sign bit. */
    int signedLiteral(int n) {
        int v = literal(n);
        return bit(0x80) == 1 ? -v : v;
    }

    /** A flag bit (even odds). */
    boolean flag() {
        return bit(0x80) == 1;
    }
}
