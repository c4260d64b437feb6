package dev.jclip.text;

import java.nio.charset.StandardCharsets;
import java.util.Map;
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

    /**
     * Runs of characters that look like UTF-8 read as a single-byte encoding, not preceded by one
     * more continuation-like character ({@code UTF8_DETECTOR_RE}).
     */
    private static final Pattern UTF8_DETECTOR = Pattern.compile(Badness.fill(
            "(?<![{strict}])(?:[{first2}][{cont}]|[{first3}][{cont}]{2}|[{first4}][{cont}]{3})+",
            Map.of("strict", FtfyTables.UTF8_CONTINUATION_STRICT,
                    "first2", FtfyTables.UTF8_FIRST_OF_2,
                    "first3", FtfyTables.UTF8_FIRST_OF_3,
                    "first4", FtfyTables.UTF8_FIRST_OF_4,
                    "cont", FtfyTables.UTF8_CONTINUATION)));

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
        // ftfy then tries Latin-1 read as strict Windows-1252, which (when it succeeds) maps each C1
        // control as fix_c1_controls does, and otherwise fails or changes nothing, so this covers it.
        return FixText.fixC1Controls(text);
    }

    /** ftfy's {@code restore_byte_a0}, on a byte string. */
    private static String restoreByteA0(String bytes) {
        String s = A_GRAVE_WORD.matcher(bytes).replaceAll("\u00c3\u00a0 ");
        return ALTERED_UTF8.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group().replace(' ', '\u00a0')));
    }

    /** ftfy's {@code decode_inconsistent_utf8}: each mojibake-looking run (shorter than the text) fixed alone. */
    private static String decodeInconsistentUtf8(String text) {
        Matcher m = UTF8_DETECTOR.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            String run = m.group();
            if (run.length() < text.length() && Badness.isBad(run)) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, m.start()).append(fix(run));
                copied = m.end();
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
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
