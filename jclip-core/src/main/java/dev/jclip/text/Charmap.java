package dev.jclip.text;

import java.util.Arrays;

/**
 * The single-byte encodings ftfy's mojibake repair tries, in its order ({@code CHARMAP_ENCODINGS}):
 * text that one of them can encode may be UTF-8 that was decoded with it. Bytes 0x00-0x7F are ASCII,
 * except that in the "sloppy" Windows code pages byte 0x1A stands for U+FFFD (so that text with
 * replacement characters can still be re-encoded) and U+001A has no byte.
 */
enum Charmap {
    LATIN_1(FtfyTables.LATIN_1, false),
    SLOPPY_WINDOWS_1252(FtfyTables.SLOPPY_WINDOWS_1252, true),
    SLOPPY_WINDOWS_1251(FtfyTables.SLOPPY_WINDOWS_1251, true),
    SLOPPY_WINDOWS_1250(FtfyTables.SLOPPY_WINDOWS_1250, true),
    SLOPPY_WINDOWS_1253(FtfyTables.SLOPPY_WINDOWS_1253, true),
    SLOPPY_WINDOWS_1254(FtfyTables.SLOPPY_WINDOWS_1254, true),
    SLOPPY_WINDOWS_1257(FtfyTables.SLOPPY_WINDOWS_1257, true),
    ISO_8859_2(FtfyTables.ISO_8859_2, false),
    MACROMAN(FtfyTables.MACROMAN, false),
    CP437(FtfyTables.CP437, false);

    private final boolean sloppy;
    /** The characters of bytes 0x80-0xFF, sorted, and the byte of each. */
    private final char[] chars;
    private final byte[] bytes;

    Charmap(String high, boolean sloppy) {
        this.sloppy = sloppy;
        Integer[] order = new Integer[high.length()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Character.compare(high.charAt(a), high.charAt(b)));
        chars = new char[order.length];
        bytes = new byte[order.length];
        for (int i = 0; i < order.length; i++) {
            chars[i] = high.charAt(order[i]);
            bytes[i] = (byte) (0x80 + order[i]);
        }
    }

    /** Whether this is one of ftfy's "sloppy" code pages (where lossy sequences are looked for). */
    boolean sloppy() {
        return sloppy;
    }

    /**
     * The bytes of {@code text} in this encoding as a byte string (one char 0-255 per byte, so that
     * byte patterns can be matched with {@link java.util.regex.Pattern}), or null when some character
     * has no byte.
     */
    String encode(String text) {
        char[] out = new char[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int b = byteOf(text.charAt(i));
            if (b < 0) {
                return null;
            }
            out[i] = (char) b;
        }
        return new String(out);
    }

    private int byteOf(char c) {
        if (c < 0x80) {
            return sloppy && c == 0x1A ? -1 : c;
        }
        if (sloppy && c == '\uFFFD') {
            return 0x1A;
        }
        int at = Arrays.binarySearch(chars, c);
        return at < 0 ? -1 : bytes[at] & 0xFF;
    }
}
