package dev.jclip.text;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy's {@code is_bad}: whether text holds a sequence of characters that is far more likely to be
 * UTF-8 mojibake than intended ({@code BADNESS_RE} of ftfy/badness.py, alternative for alternative,
 * with the same character categories, from {@link FtfyTables}). Python's {@code \s} and {@code \w}
 * are spelled out: {@code \s} is {@code str.isspace()} (which, unlike Java's, includes U+001C-U+001F),
 * {@code \w} is letters, numbers and '_' (Python's Unicode data is version 14, Java's newer, so a
 * letter assigned since then counts here only).
 */
final class Badness {
    private static final String TEMPLATE = """
            [{c1}]
            |[{bad}{lower_accented}{upper_accented}{box}{start_punctuation}{end_punctuation}{currency}{numeric}{law}][{bad}]
            |[a-zA-Z][{lower_common}{upper_common}][{bad}]
            |[{bad}][{lower_accented}{upper_accented}{box}{start_punctuation}{end_punctuation}{currency}{numeric}{law}]
            |[{lower_accented}{lower_common}{box}{end_punctuation}{currency}{numeric}][{upper_accented}]
            |[{box}{end_punctuation}{currency}{numeric}][{lower_accented}]
            |[{lower_accented}{box}{end_punctuation}][{currency}]
            |{s}[{upper_accented}][{currency}]
            |[{upper_accented}{box}][{numeric}{law}]
            |[{lower_accented}{upper_accented}{box}{currency}{end_punctuation}][{start_punctuation}][{numeric}]
            |[{lower_accented}{upper_accented}{currency}{numeric}{box}{law}][{end_punctuation}][{start_punctuation}]
            |[{currency}{numeric}{box}][{start_punctuation}]
            |[a-z][{upper_accented}][{start_punctuation}{currency}]
            |[{box}][{kaomoji}]
            |[{lower_accented}{upper_accented}{currency}{numeric}{start_punctuation}{end_punctuation}{law}][{box}]
            |[{box}][{end_punctuation}]
            |[{lower_accented}{upper_accented}][{start_punctuation}{end_punctuation}]{w}
            |[Œœ][^A-Za-z]
            |[{upper_accented}]°
            |[ÂÃÎÐ][€œŠš¢£Ÿž\\xa0\\xad®©°·»{start_punctuation}{end_punctuation}–—´]
            |×[²³]
            |[ØÙ][{common}{currency}{bad}{numeric}{start_punctuation}ŸŠ®°µ»][ØÙ][{common}{currency}{bad}{numeric}{start_punctuation}ŸŠ®°µ»]
            |à[²µ¹¼½¾]
            |√[±∂†≠®™´≤≥¥µø]
            |≈[°¢]
            |‚Ä[ìîïòôúùû†°¢π]
            |‚[âó][àä°ê]
            |вЂ
            |[ВГРС][{c1}{bad}{start_punctuation}{end_punctuation}{currency}°µ][ВГРС]
            |ГўВЂВ.[A-Za-z ]
            |Ã[\\xa0¡]
            |[a-z]{s}?[ÃÂ][ ]
            |^[ÃÂ][ ]
            |[a-z.,?!{end_punctuation}]Â[ {start_punctuation}{end_punctuation}]
            |β€[™\\xa0Ά\\xad®°]
            |[ΒΓΞΟ][{c1}{bad}{start_punctuation}{end_punctuation}{currency}°][ΒΓΞΟ]
            |ā€
            """;

    /** Python's {@code \s} for str patterns: the characters of {@code str.isspace()}. */
    private static final String PYTHON_SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

    /** Python's {@code \w} for str patterns: {@code str.isalnum()} or '_'. */
    private static final String PYTHON_WORD = "[\\p{L}\\p{N}_]";

    private static final Map<String, String> CATEGORIES = Map.ofEntries(
            Map.entry("common", FtfyTables.COMMON),
            Map.entry("c1", FtfyTables.C1),
            Map.entry("bad", FtfyTables.BAD),
            Map.entry("law", FtfyTables.LAW),
            Map.entry("currency", FtfyTables.CURRENCY),
            Map.entry("start_punctuation", FtfyTables.START_PUNCTUATION),
            Map.entry("end_punctuation", FtfyTables.END_PUNCTUATION),
            Map.entry("numeric", FtfyTables.NUMERIC),
            Map.entry("kaomoji", FtfyTables.KAOMOJI),
            Map.entry("upper_accented", FtfyTables.UPPER_ACCENTED),
            Map.entry("lower_accented", FtfyTables.LOWER_ACCENTED),
            Map.entry("upper_common", FtfyTables.UPPER_COMMON),
            Map.entry("lower_common", FtfyTables.LOWER_COMMON),
            Map.entry("box", FtfyTables.BOX),
            Map.entry("s", PYTHON_SPACE),
            Map.entry("w", PYTHON_WORD));

    /** UNIX_LINES: Python's '.' excludes only '\n'. */
    private static final Pattern BADNESS = Pattern.compile(fill(TEMPLATE.replace("\n", ""), CATEGORIES), Pattern.UNIX_LINES);

    private Badness() {}

    /** {@code ftfy.badness.is_bad(text)}. */
    static boolean isBad(CharSequence text) {
        return BADNESS.matcher(text).find();
    }

    /** {@code template} with each {@code {name}} replaced by its value, as Python's {@code str.format}. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = Pattern.compile("\\{([a-z][a-z0-9_]*)}").matcher(template);
        StringBuilder out = new StringBuilder(template.length() * 4);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for {" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
