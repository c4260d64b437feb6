package dev.jclip.text;

/**
 * The character categories of ftfy's mojibake heuristics ({@code MOJIBAKE_CATEGORIES} of
 * ftfy/badness.py and {@code UTF8_CLUES} of ftfy/chardata.py, from {@link FtfyTables}) as one bit
 * mask per character, so that a heuristic tests a character against several categories at once.
 * All their characters are in the BMP; the table holds only the 256-character pages that have any.
 */
final class MojibakeChars {
    static final int COMMON = 1;
    static final int C1 = 1 << 1;
    static final int BAD = 1 << 2;
    static final int LAW = 1 << 3;
    static final int CURRENCY = 1 << 4;
    static final int START_PUNCTUATION = 1 << 5;
    static final int END_PUNCTUATION = 1 << 6;
    static final int NUMERIC = 1 << 7;
    static final int KAOMOJI = 1 << 8;
    static final int UPPER_ACCENTED = 1 << 9;
    static final int LOWER_ACCENTED = 1 << 10;
    static final int UPPER_COMMON = 1 << 11;
    static final int LOWER_COMMON = 1 << 12;
    static final int BOX = 1 << 13;
    static final int UTF8_FIRST_OF_2 = 1 << 14;
    static final int UTF8_FIRST_OF_3 = 1 << 15;
    static final int UTF8_FIRST_OF_4 = 1 << 16;
    static final int UTF8_CONTINUATION = 1 << 17;
    static final int UTF8_CONTINUATION_STRICT = 1 << 18;

    private static final int[][] PAGES = new int[256][];

    static {
        add(FtfyTables.COMMON, COMMON);
        add(FtfyTables.C1, C1);
        add(FtfyTables.BAD, BAD);
        add(FtfyTables.LAW, LAW);
        add(FtfyTables.CURRENCY, CURRENCY);
        add(FtfyTables.START_PUNCTUATION, START_PUNCTUATION);
        add(FtfyTables.END_PUNCTUATION, END_PUNCTUATION);
        add(FtfyTables.NUMERIC, NUMERIC);
        add(FtfyTables.KAOMOJI, KAOMOJI);
        add(FtfyTables.UPPER_ACCENTED, UPPER_ACCENTED);
        add(FtfyTables.LOWER_ACCENTED, LOWER_ACCENTED);
        add(FtfyTables.UPPER_COMMON, UPPER_COMMON);
        add(FtfyTables.LOWER_COMMON, LOWER_COMMON);
        add(FtfyTables.BOX, BOX);
        add(FtfyTables.UTF8_FIRST_OF_2, UTF8_FIRST_OF_2);
        add(FtfyTables.UTF8_FIRST_OF_3, UTF8_FIRST_OF_3);
        add(FtfyTables.UTF8_FIRST_OF_4, UTF8_FIRST_OF_4);
        add(FtfyTables.UTF8_CONTINUATION, UTF8_CONTINUATION);
        add(FtfyTables.UTF8_CONTINUATION_STRICT, UTF8_CONTINUATION_STRICT);
    }

    private MojibakeChars() {}

    /** The category bits of code point {@code cp} (0 for most characters). */
    static int of(int cp) {
        if (cp > 0xFFFF) {
            return 0;
        }
        int[] page = PAGES[cp >> 8];
        return page == null ? 0 : page[cp & 0xFF];
    }

    /** Adds {@code bit} to the characters of a class body: characters and ranges "a-z". */
    private static void add(String members, int bit) {
        for (int i = 0; i < members.length(); i++) {
            char first = members.charAt(i);
            char last = first;
            if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
                last = members.charAt(i + 2);
                i += 2;
            }
            for (int c = first; c <= last; c++) {
                int[] page = PAGES[c >> 8];
                if (page == null) {
                    page = PAGES[c >> 8] = new int[256];
                }
                page[c & 0xFF] |= bit;
            }
        }
    }
}
