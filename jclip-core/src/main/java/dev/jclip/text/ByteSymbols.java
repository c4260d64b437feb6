package dev.jclip.text;

import java.util.Arrays;

/**
 * GPT-2/CLIP's {@code bytes_to_unicode}: every byte gets a printable character, so that BPE symbols
 * are strings without spaces or control characters. The 188 printable Latin-1 bytes ('!'-'~',
 * '¡'-'¬', '®'-'ÿ') stand for themselves; the other 68 bytes, in increasing order, get U+0100,
 * U+0101, ... (so space is 'Ġ'). {@link #ORDER} is the order of the dictionary, which is the
 * order of the first 256 ids of the original vocabulary.
 */
final class ByteSymbols {
    /** The character that stands for each byte. */
    static final char[] CHAR = new char[256];
    /** The bytes in vocabulary order: the printable ones first, then the others. */
    static final int[] ORDER = new int[256];
    /** The byte each character stands for, -1 for characters that stand for none. */
    private static final int[] BYTE = new int[0x100 + 68];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                CHAR[b] = (char) b;
                ORDER[n++] = b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                CHAR[b] = (char) (0x100 + extra++);
                ORDER[n++] = b;
            }
        }
        Arrays.fill(BYTE, -1);
        for (int b = 0; b < 256; b++) {
            BYTE[CHAR[b]] = b;
        }
    }

    private ByteSymbols() {}

    /** The byte that {@code c} stands for, or -1. */
    static int byteOf(char c) {
        return c < BYTE.length ? BYTE[c] : -1;
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
