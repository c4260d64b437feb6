package dev.jclip.image;

import java.util.Arrays;

/**
 * A canonical prefix code of VP8L as a lookup table: an 8-bit root table whose
 * entries either hold a symbol and its length or point to a second-level table for
 * longer codes. Entries pack {@code length << 16 | symbol} (for a pointer:
 * {@code (8 + subBits) << 16 | offset}). A code with a single used symbol reads no
 * bits, as libwebp decodes it.
 */
final class Vp8lHuffman {
    static final int MAX_LENGTH = 15;
    private static final int ROOT_BITS = 8;

    private final int[] table;

    private Vp8lHuffman(int[] table) {
        this.table = table;
    }

    /**
     * The code with these code lengths (0: unused), or null when they do not form a
     * code libwebp accepts: none used, or more than one used and the code not complete.
     */
    static Vp8lHuffman build(int[] lengths, int size) {
        int[] count = new int[MAX_LENGTH + 1];
        int used = 0, single = 0;
        long kraft = 0;
        for (int s = 0; s < size; s++) {
            int len = lengths[s];
            count[len]++;
            if (len > 0) {
                used++;
                single = s;
                kraft += 1L << (MAX_LENGTH - len);
            }
        }
        if (used == 0) {
            return null;
        }
        if (used == 1) {
            int[] t = new int[1 << ROOT_BITS];
            Arrays.fill(t, single); // length 0: consumes nothing
            return new Vp8lHuffman(t);
        }
        if (kraft != 1L << MAX_LENGTH) {
            return null; // over-subscribed or incomplete
        }
        // Canonical codes: by length, then symbol; stored bit-reversed since the stream is LSB first.
        int[] next = new int[MAX_LENGTH + 1];
        for (int len = 2, code = 0; len <= MAX_LENGTH; len++) {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }
        int[] reversed = new int[size];
        int[] subBits = new int[1 << ROOT_BITS];
        for (int s = 0; s < size; s++) {
            int len = lengths[s];
            if (len > 0) {
                reversed[s] = Integer.reverse(next[len]++) >>> (32 - len);
                if (len > ROOT_BITS) {
                    int low = reversed[s] & ((1 << ROOT_BITS) - 1);
                    subBits[low] = Math.max(subBits[low], len - ROOT_BITS);
                }
            }
        }
        int total = 1 << ROOT_BITS;
        int[] subOffset = new int[1 << ROOT_BITS];
        for (int low = 0; low < subBits.length; low++) {
            if (subBits[low] > 0) {
                subOffset[low] = total;
                total += 1 << subBits[low];
            }
        }
        int[] t = new int[total];
        for (int low = 0; low < subBits.length; low++) {
            if (subBits[low] > 0) {
                t[low] = (ROOT_BITS + subBits[low]) << 16 | subOffset[low];
            }
        }
        for (int s = 0; s < size; s++) {
            int len = lengths[s];
            if (len == 0) {
                continue;
            }
            int code = reversed[s];
            if (len <= ROOT_BITS) {
                for (int k = code; k < 1 << ROOT_BITS; k += 1 << len) {
                    t[k] = len << 16 | s;
                }
            } else {
                int low = code & ((1 << ROOT_BITS) - 1);
                int sb = subBits[low];
                int rest = len - ROOT_BITS;
                for (int k = code >>> ROOT_BITS; k < 1 << sb; k += 1 << rest) {
                    t[subOffset[low] + k] = rest << 16 | s;
                }
            }
        }
        return new Vp8lHuffman(t);
    }

    /** Whether the code reads no bits (a single symbol). */
    boolean isTrivial() {
        return table[0] >>> 16 == 0;
    }

    /** The symbol of a trivial code. */
    int trivialSymbol() {
        return table[0] & 0xFFFF;
    }

    /** Decodes one symbol. */
    int read(Vp8lBitReader br) {
        int bits = br.peek(MAX_LENGTH);
        int e = table[bits & ((1 << ROOT_BITS) - 1)];
        int len = e >>> 16;
        if (len > ROOT_BITS) {
            int sub = (e & 0xFFFF) + ((bits >>> ROOT_BITS) & ((1 << (len - ROOT_BITS)) - 1));
            e = table[sub];
            br.skip(ROOT_BITS + (e >>> 16));
        } else {
            br.skip(len);
        }
        return e & 0xFFFF;
    }
}
