package dev.jclip.text;

import static dev.jclip.text.MojibakeChars.BAD;
import static dev.jclip.text.MojibakeChars.BOX;
import static dev.jclip.text.MojibakeChars.C1;
import static dev.jclip.text.MojibakeChars.COMMON;
import static dev.jclip.text.MojibakeChars.CURRENCY;
import static dev.jclip.text.MojibakeChars.END_PUNCTUATION;
import static dev.jclip.text.MojibakeChars.KAOMOJI;
import static dev.jclip.text.MojibakeChars.LAW;
import static dev.jclip.text.MojibakeChars.LOWER_ACCENTED;
import static dev.jclip.text.MojibakeChars.LOWER_COMMON;
import static dev.jclip.text.MojibakeChars.NUMERIC;
import static dev.jclip.text.MojibakeChars.START_PUNCTUATION;
import static dev.jclip.text.MojibakeChars.UPPER_ACCENTED;
import static dev.jclip.text.MojibakeChars.UPPER_COMMON;

/**
 * ftfy's {@code is_bad}: whether text holds a sequence of characters that is far more likely to be
 * UTF-8 mojibake than intended. Each pattern below is one alternative of {@code BADNESS_RE} in
 * ftfy/badness.py, in its order, as a sequence of character classes (unions of
 * {@link MojibakeChars} categories, characters and a few Python classes); Python's {@code \s?} is
 * written as two patterns and {@code ^} as a pattern tried only at the start. A hand-written matcher
 * rather than {@link java.util.regex.Pattern}: Java tests a class of hundreds of ranges one range
 * after another, which made this check cost milliseconds per caption.
 */
final class Badness {
    /** Python's {@code \s}: {@code str.isspace()}, which includes U+001C-U+001F. */
    private static final int SPACE = 1;
    /** Python's {@code \w}: {@code str.isalnum()} or '_' (letters and numbers). */
    private static final int WORD = 1 << 1;
    private static final int ASCII_LOWER = 1 << 2;
    private static final int ASCII_UPPER = 1 << 3;
    /** Python's {@code .}: anything but '\n'. */
    private static final int NOT_NEWLINE = 1 << 4;
    private static final int NOT_ASCII_LETTER = 1 << 5;

    private static final int ACCENTED = LOWER_ACCENTED | UPPER_ACCENTED;

    private static final Cls[][] PATTERNS = {
            {cls(C1)},
            {cls(BAD | ACCENTED | BOX | START_PUNCTUATION | END_PUNCTUATION | CURRENCY | NUMERIC | LAW), cls(BAD)},
            {special(ASCII_LOWER | ASCII_UPPER), cls(LOWER_COMMON | UPPER_COMMON), cls(BAD)},
            {cls(BAD), cls(ACCENTED | BOX | START_PUNCTUATION | END_PUNCTUATION | CURRENCY | NUMERIC | LAW)},
            {cls(LOWER_ACCENTED | LOWER_COMMON | BOX | END_PUNCTUATION | CURRENCY | NUMERIC), cls(UPPER_ACCENTED)},
            {cls(BOX | END_PUNCTUATION | CURRENCY | NUMERIC), cls(LOWER_ACCENTED)},
            {cls(LOWER_ACCENTED | BOX | END_PUNCTUATION), cls(CURRENCY)},
            {special(SPACE), cls(UPPER_ACCENTED), cls(CURRENCY)},
            {cls(UPPER_ACCENTED | BOX), cls(NUMERIC | LAW)},
            {cls(ACCENTED | BOX | CURRENCY | END_PUNCTUATION), cls(START_PUNCTUATION), cls(NUMERIC)},
            {cls(ACCENTED | CURRENCY | NUMERIC | BOX | LAW), cls(END_PUNCTUATION), cls(START_PUNCTUATION)},
            {cls(CURRENCY | NUMERIC | BOX), cls(START_PUNCTUATION)},
            {special(ASCII_LOWER), cls(UPPER_ACCENTED), cls(START_PUNCTUATION | CURRENCY)},
            {cls(BOX), cls(KAOMOJI)},
            {cls(ACCENTED | CURRENCY | NUMERIC | START_PUNCTUATION | END_PUNCTUATION | LAW), cls(BOX)},
            {cls(BOX), cls(END_PUNCTUATION)},
            {cls(ACCENTED), cls(START_PUNCTUATION | END_PUNCTUATION), special(WORD)},
            // The ligature œ when not followed by an unaccented Latin letter.
            {chars("Œœ"), special(NOT_ASCII_LETTER)},
            // Degree signs after capital letters.
            {cls(UPPER_ACCENTED), chars("°")},
            // Common Windows-1252 2-character mojibake that the above miss.
            {chars("ÂÃÎÐ"), cls(START_PUNCTUATION | END_PUNCTUATION, "€œŠš¢£Ÿž\u00a0\u00ad®©°·»–—´")},
            {chars("×"), chars("²³")},
            // Windows-1252 mojibake of Arabic words, which needs four characters.
            {chars("ØÙ"), cls(COMMON | CURRENCY | BAD | NUMERIC | START_PUNCTUATION, "ŸŠ®°µ»"),
                chars("ØÙ"), cls(COMMON | CURRENCY | BAD | NUMERIC | START_PUNCTUATION, "ŸŠ®°µ»")},
            // Windows-1252 starts of 3-character sequences of some South Asian alphabets.
            {chars("à"), chars("²µ¹¼½¾")},
            // MacRoman mojibake.
            {chars("√"), chars("±∂†≠®™´≤≥¥µø")},
            {chars("≈"), chars("°¢")},
            {chars("‚"), chars("Ä"), chars("ìîïòôúùû†°¢π")},
            {chars("‚"), chars("âó"), chars("àä°ê")},
            // Windows-1251 mojibake of U+2000-U+206F, of Latin-1 and of Windows-1252 on top of Latin-1.
            {chars("в"), chars("Ђ")},
            {chars("ВГРС"), cls(C1 | BAD | START_PUNCTUATION | END_PUNCTUATION | CURRENCY, "°µ"), chars("ВГРС")},
            {chars("Г"), chars("ў"), chars("В"), chars("Ђ"), chars("В"), special(NOT_NEWLINE),
                special(ASCII_LOWER | ASCII_UPPER, " ")},
            // Windows-1252 mojibake of 'à' and 'á' and of U+00A0 itself.
            {chars("Ã"), chars("\u00a0¡")},
            {special(ASCII_LOWER), chars("ÃÂ"), chars(" ")},
            {special(ASCII_LOWER), special(SPACE), chars("ÃÂ"), chars(" ")},
            // 'Â' before a character it stands for.
            {cls(END_PUNCTUATION, ".,?!", ASCII_LOWER), chars("Â"), cls(START_PUNCTUATION | END_PUNCTUATION, " ")},
            // Windows-1253 mojibake of U+2000-U+206F and of Latin-1 or Greek.
            {chars("β"), chars("€"), chars("™\u00a0Ά\u00ad®°")},
            {chars("ΒΓΞΟ"), cls(C1 | BAD | START_PUNCTUATION | END_PUNCTUATION | CURRENCY, "°"), chars("ΒΓΞΟ")},
            // Windows-1257 mojibake of U+2000-U+206F.
            {chars("ā"), chars("€")},
    };

    /** {@code ^[ÃÂ][ ]}: only at the start of the text. */
    private static final Cls[] AT_START = {chars("ÃÂ"), chars(" ")};

    /**
     * For each character that can start a match, the patterns whose first class takes it (bit k for
     * {@code PATTERNS[k]}), in 256-character pages. A first class is a union of categories, of
     * characters that all belong to a category (see {@link Cls}), of ASCII letters and of spaces,
     * so only characters of a category, ASCII characters and spaces can start a match.
     */
    private static final long[][] STARTS = new long[256][];

    /**
     * For each ASCII character, the patterns that have one class or whose second class takes it:
     * most text is ASCII, and most pairs of ASCII characters start no match.
     */
    private static final long[] ASCII_SECONDS = new long[0x80];

    static {
        if (PATTERNS.length > Long.SIZE) {
            throw new IllegalStateException(PATTERNS.length + " patterns do not fit in a long");
        }
        for (Cls[] pattern : PATTERNS) {
            if ((pattern[0].special() & ~(SPACE | ASCII_LOWER | ASCII_UPPER)) != 0) {
                throw new IllegalStateException("a first class that STARTS does not cover: " + pattern[0]);
            }
        }
        for (int c = 0; c <= 0xFFFF; c++) {
            if (c >= 0x80 && MojibakeChars.of(c) == 0 && !isSpace(c)) {
                continue;
            }
            long starts = 0;
            for (int k = 0; k < PATTERNS.length; k++) {
                if (PATTERNS[k][0].test(c)) {
                    starts |= 1L << k;
                }
            }
            if (starts != 0) {
                if (STARTS[c >> 8] == null) {
                    STARTS[c >> 8] = new long[256];
                }
                STARTS[c >> 8][c & 0xFF] = starts;
            }
        }
        for (int c = 0; c < 0x80; c++) {
            for (int k = 0; k < PATTERNS.length; k++) {
                if (PATTERNS[k].length == 1 || PATTERNS[k][1].test(c)) {
                    ASCII_SECONDS[c] |= 1L << k;
                }
            }
        }
    }

    private Badness() {}

    /** {@code ftfy.badness.is_bad(text)}. */
    static boolean isBad(String text) {
        if (matchesAt(AT_START, text, 0, 0)) {
            return true;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            long[] page = cp <= 0xFFFF ? STARTS[cp >> 8] : null;
            long starts = page == null ? 0 : page[cp & 0xFF];
            if (starts != 0 && next < text.length() && text.charAt(next) < 0x80) {
                starts &= ASCII_SECONDS[text.charAt(next)];
            }
            for (; starts != 0; starts &= starts - 1) {
                if (matchesAt(PATTERNS[Long.numberOfTrailingZeros(starts)], text, next, 1)) {
                    return true;
                }
            }
            i = next;
        }
        return false;
    }

    /** Whether {@code pattern} from its class {@code from} on matches {@code text} at {@code at}. */
    private static boolean matchesAt(Cls[] pattern, String text, int at, int from) {
        int i = at;
        for (int k = from; k < pattern.length; k++) {
            if (i >= text.length()) {
                return false;
            }
            int cp = text.codePointAt(i);
            if (!pattern[k].test(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean isSpace(int cp) {
        return cp <= 0xFFFF && TextCleaner.isPythonSpace((char) cp);
    }

    /**
     * Python's {@code \w}: letters (L*), numbers (N*) and '_', as {@code str.isalnum()} defines them.
     * Java's Unicode data is newer than Python 3.11's (14.0), so a letter assigned since counts here only.
     */
    private static boolean isWord(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_' || switch (Character.getType(cp)) {
            case Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    private static Cls cls(int categories) {
        return new Cls(categories, "", 0);
    }

    private static Cls cls(int categories, String chars) {
        return new Cls(categories, chars, 0);
    }

    private static Cls cls(int categories, String chars, int special) {
        return new Cls(categories, chars, special);
    }

    private static Cls chars(String chars) {
        return new Cls(0, chars, 0);
    }

    private static Cls special(int special) {
        return new Cls(0, "", special);
    }

    private static Cls special(int special, String chars) {
        return new Cls(0, chars, special);
    }

    /**
     * A character class: the union of {@link MojibakeChars} categories, single characters and the
     * Python classes above. Every non-ASCII single character belongs to some category (checked
     * here), which is what lets {@link #isBad} skip characters without one.
     */
    private record Cls(int categories, String chars, int special) {
        Cls {
            chars.chars().filter(c -> c >= 0x80 && MojibakeChars.of(c) == 0).findAny().ifPresent(c -> {
                throw new IllegalStateException("U+" + Integer.toHexString(c) + " is in no category");
            });
        }

        boolean test(int cp) {
            return (MojibakeChars.of(cp) & categories) != 0
                    || (!chars.isEmpty() && chars.indexOf(cp) >= 0)
                    || (special != 0 && testSpecial(cp));
        }

        private boolean testSpecial(int cp) {
            return ((special & SPACE) != 0 && isSpace(cp))
                    || ((special & WORD) != 0 && isWord(cp))
                    || ((special & ASCII_LOWER) != 0 && cp >= 'a' && cp <= 'z')
                    || ((special & ASCII_UPPER) != 0 && cp >= 'A' && cp <= 'Z')
                    || ((special & NOT_NEWLINE) != 0 && cp != '\n')
                    || ((special & NOT_ASCII_LETTER) != 0 && !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')));
        }
    }
}
