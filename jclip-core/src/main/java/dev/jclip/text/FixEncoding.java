package dev.jclip.text;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy's mojibake repair, {@code fix_encoding} with its default settings: text that looks like UTF-8
 * decoded with the wrong single-byte encoding ("cafÃ©") is encoded back and decoded as UTF-8
 * ("café"), step after step until a step changes nothing. A step ({@code _fix_encoding_one_step_and_explain})
 * does nothing to ASCII and to text {@link Badness#isBad} does not flag; otherwise, in order:
 * <ol>
 * <li>the first {@link Charmap} that can encode the whole text and whose bytes then decode as UTF-8
 *     (or as ftfy's UTF-8 variants when there is a byte ED or C0) gives the result, after two byte
 *     repairs: spaces put back to the 0xA0 they were likely made from ({@code restore_byte_a0}, not
 *     for MacRoman) and, in the sloppy code pages, UTF-8 sequences that lost bytes to U+FFFD replaced
 *     by U+FFFD ({@code replace_lossy_sequences});
 * <li>else runs that look like UTF-8 mojibake inside other text are fixed on their own
 *     ({@code decode_inconsistent_utf8});
 * <li>else C1 controls become their Windows-1252 characters.
 * </ol>
 */
final class FixEncoding {
    /** UTF-8 sequences that would decode if a space were the 0xA0 it likely was ({@code ALTERED_UTF8_RE}). */
    private static final Pattern ALTERED_UTF8 = Pattern.compile(
            "[\\xc2\\xc3\\xc5\\xce\\xd0\\xd9][ ]"
                    + "|[\\xe2\\xe3][ ][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf]"
                    + "|[\\xe0-\\xe3][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf][ ]"
                    + "|[\\xf0][ ][\\x80-\\xbf][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][ ][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][\\x80-\\xbf][ ]");

    /**
     * "Ã " as a word of its own is "à" that lost its 0xA0 (ftfy keeps the space: "à la"), except before
     * the Portuguese "às", "àquele", "àquela", "àquilo" ({@code A_GRAVE_WORD_RE}).
     */
    private static final Pattern A_GRAVE_WORD = Pattern.compile("\\xc3 (?! |quele|quela|quilo|s )");

    /** UTF-8 sequences with a byte lost to U+FFFD (byte 0x1A) or to '?' ({@code LOSSY_UTF8_RE}). */
    private static final Pattern LOSSY_UTF8 = Pattern.compile(
            "[\\xc2-\\xdf][\\x1a]"
                    + "|[\\xc2-\\xc3][?]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?]\\xed[\\xb0-\\xbf][\\x1a?\\x80-\\xbf]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?\\x80-\\xbf]\\xed[\\xb0-\\xbf][\\x1a?]"
                    + "|[\\xe0-\\xef][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xe0-\\xef][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|[\\xf0-\\xf4][\\x1a?][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|\\x1a");

    /** U+FFFD in UTF-8, as a byte string. */
    private static final String REPLACEMENT_UTF8 = "\u00ef\u00bf\u00bd";

    private FixEncoding() {}

    /** {@code ftfy.fix_encoding(text)}. */
    static String fix(String text) {
        while (true) {
            String fixed = fixOneStep(text);
            if (fixed.equals(text)) {
                return fixed;
            }
            text = fixed;
        }
    }

    private static String fixOneStep(String text) {
        if (isAscii(text) || !Badness.isBad(text)) {
            return text;
        }
        for (Charmap charmap : Charmap.values()) {
            String bytes = charmap.encode(text);
            if (bytes == null) {
                continue;
            }
            if (charmap != Charmap.MACROMAN && ALTERED_UTF8.matcher(bytes).find()) {
                bytes = restoreByteA0(bytes);
            }
            if (charmap.sloppy()) {
                bytes = LOSSY_UTF8.matcher(bytes).replaceAll(REPLACEMENT_UTF8);
            }
            byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
            String decoded = bytes.indexOf('\u00ed') >= 0 || bytes.indexOf('\u00c0') >= 0
                    ? Utf8Variants.decode(raw)
                    : Utf8Variants.decodeStrict(raw, 0, raw.length);
            if (decoded != null) {
                return decoded;
            }
        }
        String fixed = decodeInconsistentUtf8(text);
        if (!fixed.equals(text)) {
            return fixed;
        }
        // ftfy next reads Latin-1 text as strict Windows-1252 and otherwise applies fix_c1_controls.
        // Where the strict decode succeeds (no byte Windows-1252 leaves undefined) it maps each C1
        // control as fix_c1_controls does; where it fails or changes nothing, ftfy falls through to
        // fix_c1_controls. Either way the result is fix_c1_controls's.
        return FixText.fixC1Controls(text);
    }

    /** ftfy's {@code restore_byte_a0}, on a byte string. */
    private static String restoreByteA0(String bytes) {
        String s = A_GRAVE_WORD.matcher(bytes).replaceAll("\u00c3\u00a0 ");
        return ALTERED_UTF8.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group().replace(' ', '\u00a0')));
    }

    /**
     * ftfy's {@code decode_inconsistent_utf8}: each run that looks like UTF-8 mojibake, is shorter
     * than the text and {@link Badness#isBad}, fixed on its own.
     */
    private static String decodeInconsistentUtf8(String text) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < text.length()) {
            int end = utf8RunEnd(text, i);
            if (end < 0) {
                i++;
                continue;
            }
            String run = text.substring(i, end);
            if (run.length() < text.length() && Badness.isBad(run)) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, i).append(fix(run));
                copied = end;
            }
            i = end;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /**
     * ftfy's {@code UTF8_DETECTOR_RE} at {@code start}: not after a strict continuation character,
     * one or more of (first-of-2, continuation), (first-of-3, 2 continuations), (first-of-4,
     * 3 continuations), the first that fits taken each time (as the regex's greedy repetition does,
     * with nothing after it to backtrack for). Returns the end of the run, or -1. All these
     * characters are in the BMP and none is a surrogate, so chars can stand for code points.
     */
    private static int utf8RunEnd(String s, int start) {
        if (start > 0 && (MojibakeChars.of(s.charAt(start - 1)) & MojibakeChars.UTF8_CONTINUATION_STRICT) != 0) {
            return -1;
        }
        int i = start;
        while (i < s.length()) {
            int first = MojibakeChars.of(s.charAt(i));
            int next;
            if ((first & MojibakeChars.UTF8_FIRST_OF_2) != 0 && continuations(s, i + 1, 1)) {
                next = i + 2;
            } else if ((first & MojibakeChars.UTF8_FIRST_OF_3) != 0 && continuations(s, i + 1, 2)) {
                next = i + 3;
            } else if ((first & MojibakeChars.UTF8_FIRST_OF_4) != 0 && continuations(s, i + 1, 3)) {
                next = i + 4;
            } else {
                break;
            }
            i = next;
        }
        return i == start ? -1 : i;
    }

    private static boolean continuations(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if ((MojibakeChars.of(s.charAt(i)) & MojibakeChars.UTF8_CONTINUATION) == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
