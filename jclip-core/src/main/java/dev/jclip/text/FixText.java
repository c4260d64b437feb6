package dev.jclip.text;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ftfy.fix_text(text)} of ftfy 6.3 with its default settings, under which every step below is
 * on, {@code uncurl_quotes} and {@code fix_character_width} included, and the normalization is NFC
 * (not NFKC). The text is fixed line by line (a line keeps its '\n'); each line goes through these
 * steps, in ftfy's order, again and again until a round changes nothing:
 * <ol>
 * <li>HTML entities that end in ';' (plus all-caps forms such as {@code &EACUTE;}) are decoded,
 *     but only until the first line that contains a {@code <} (from then on ftfy leaves entities alone);
 * <li>mojibake is repaired ({@link FixEncoding}: "cafÃ©" becomes "café");
 * <li>C1 controls U+0080-U+009F become their Windows-1252 characters (U+0085 becomes '…');
 * <li>Latin ligatures are split (ﬁ → fi, Ĳ → IJ, ŉ → ʼn ...);
 * <li>full-width and half-width forms U+FF01-U+FFEF become their NFKC forms, U+3000 a space;
 * <li>curly quotes are straightened: U+02BC and U+2018-U+201B become ', U+201C-U+201F become ";
 * <li>CRLF, CR, U+2028, U+2029 and U+0085 become '\n';
 * <li>unpaired surrogates become U+FFFD;
 * <li>ANSI terminal escapes (ESC [ digits/';' letter) are removed;
 * <li>control characters are removed: U+0000-U+0008, U+000B, U+000E-U+001F, U+007F,
 *     U+206A-U+206F, U+FEFF, U+FFF9-U+FFFC;
 * <li>NFC normalization.
 * </ol>
 */
final class FixText {
    /** ftfy's {@code max_decode_length}: a line longer than this many code points is fixed in pieces. */
    private static final int MAX_SEGMENT = 1_000_000;

    /** ftfy's entity table: every HTML5 name that ends in ';', and all-caps forms of the lowercase ones. */
    private static final Map<String, String> ENTITIES = buildEntities();

    /** ftfy's {@code WIDTH_MAP} for U+FF01-U+FFEF: the NFKC form where it differs, else null. */
    private static final String[] WIDTH_FORMS = buildWidthForms();

    private FixText() {}

    /** {@code ftfy.fix_text(text)}. */
    static String fix(String text) {
        if (isPlainAscii(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean entities = true;
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos) + 1;
            if (lineEnd == 0) {
                lineEnd = text.length();
            }
            int limit = lineEnd;
            if (lineEnd - pos > MAX_SEGMENT && text.codePointCount(pos, lineEnd) > MAX_SEGMENT) {
                limit = text.offsetByCodePoints(pos, MAX_SEGMENT);
            }
            String segment = text.substring(pos, limit);
            // ftfy's unescape_html="auto": a '<' means the text may be real HTML, so entities are kept
            // in this segment and in all later ones.
            entities &= segment.indexOf('<') < 0;
            out.append(fixSegment(segment, entities));
            pos = limit;
        }
        return out.toString();
    }

    private static String fixSegment(String text, boolean entities) {
        while (true) {
            String before = text;
            if (entities) {
                text = unescapeEntities(text);
            }
            text = FixEncoding.fix(text);
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = removeTerminalEscapes(text);
            text = removeControlChars(text);
            if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
                text = Normalizer.normalize(text, Normalizer.Form.NFC);
            }
            if (text.equals(before)) {
                return text;
            }
        }
    }

    /** ftfy's {@code unescape_html}: {@code &#?[0-9A-Za-z]{1,24};} replaced when it is a known entity. */
    private static String unescapeEntities(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        while (amp >= 0) {
            int i = amp + 1;
            if (i < s.length() && s.charAt(i) == '#') {
                i++;
            }
            int nameStart = i;
            while (i < s.length() && i - nameStart < 24 && isAsciiAlnum(s.charAt(i))) {
                i++;
            }
            if (i > nameStart && i < s.length() && s.charAt(i) == ';') {
                String entity = s.substring(amp, i + 1);
                String value = ENTITIES.get(entity);
                if (value == null && entity.startsWith("&#")) {
                    // A numeric reference decodes as html.unescape does, unless that leaves a ';'
                    // (a partial decode such as "&#x31x;" → "1x;"), in which case ftfy keeps it.
                    String decoded = HtmlUnescape.unescape(entity);
                    value = decoded.indexOf(';') >= 0 ? entity : decoded;
                }
                if (value != null) {
                    out.append(s, copied, amp).append(value);
                    copied = i + 1;
                    amp = s.indexOf('&', i + 1);
                    continue;
                }
            }
            amp = s.indexOf('&', amp + 1);
        }
        return copied == 0 ? s : out.append(s, copied, s.length()).toString();
    }

    /** ftfy's {@code fix_c1_controls}: U+0080-U+009F as sloppy Windows-1252 (its five holes stay). */
    static String fixC1Controls(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append(HtmlUnescape.C1_AS_CP1252.charAt(c - 0x80));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static String fixLatinLigatures(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = ligature(c);
            if (r != null && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /** ftfy's {@code LIGATURES} table. */
    private static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02bcn";
            case '\u01f1' -> "DZ";
            case '\u01f2' -> "Dz";
            case '\u01f3' -> "dz";
            case '\u01c4' -> "D\u017d";
            case '\u01c5' -> "D\u017e";
            case '\u01c6' -> "d\u017e";
            case '\u01c7' -> "LJ";
            case '\u01c8' -> "Lj";
            case '\u01c9' -> "lj";
            case '\u01ca' -> "NJ";
            case '\u01cb' -> "Nj";
            case '\u01cc' -> "nj";
            case '\ufb00' -> "ff";
            case '\ufb01' -> "fi";
            case '\ufb02' -> "fl";
            case '\ufb03' -> "ffi";
            case '\ufb04' -> "ffl";
            case '\ufb05' -> "\u017ft";
            case '\ufb06' -> "st";
            default -> null;
        };
    }

    private static String fixCharacterWidth(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = c == '\u3000' ? " " : c >= 0xFF01 && c <= 0xFFEF ? WIDTH_FORMS[c - 0xFF01] : null;
            if (r != null && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static String[] buildWidthForms() {
        String[] forms = new String[0xFFEF - 0xFF01 + 1];
        for (char c = 0xFF01; c <= 0xFFEF; c++) {
            String nfkc = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
            forms[c - 0xFF01] = nfkc.equals(String.valueOf(c)) ? null : nfkc;
        }
        return forms;
    }

    private static String uncurlQuotes(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char r = c == '\u02bc' || (c >= '\u2018' && c <= '\u201b') ? '\''
                    : c >= '\u201c' && c <= '\u201f' ? '"' : c;
            if (r != c && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(r);
            }
        }
        return out == null ? s : out.toString();
    }

    private static String fixLineBreaks(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean isBreak = c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (isBreak && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    continue;
                }
                out.append(isBreak ? '\n' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static String fixSurrogates(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean lone = Character.isSurrogate(c);
            if (lone && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Removes ESC '[' (digit | ';')* letter, where digit is any Unicode decimal digit and letter ASCII. */
    private static String removeTerminalEscapes(String s) {
        int esc = s.indexOf("\u001b[");
        if (esc < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        while (esc >= 0) {
            int i = esc + 2;
            while (i < s.length()) {
                int cp = s.codePointAt(i);
                if (cp != ';' && Character.getType(cp) != Character.DECIMAL_DIGIT_NUMBER) {
                    break;
                }
                i += Character.charCount(cp);
            }
            if (i < s.length() && isAsciiLetter(s.charAt(i))) {
                out.append(s, copied, esc);
                copied = i + 1;
                esc = s.indexOf("\u001b[", i + 1);
            } else {
                esc = s.indexOf("\u001b[", esc + 1);
            }
        }
        return out.append(s, copied, s.length()).toString();
    }

    private static String removeControlChars(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (control && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null && !control) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static Map<String, String> buildEntities() {
        Map<String, String> entities = new HashMap<>(4096);
        for (Map.Entry<String, String> e : HtmlUnescape.HTML5.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            entities.put("&" + name, e.getValue());
            // All-caps forms only for all-lowercase names whose capitals are not already a reference
            // (so "&EACUTE;" is É, while "&LTIMES;" stays, since html.unescape reads it as "<IMES;").
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (HtmlUnescape.unescape(upper).equals(upper)) {
                    entities.put(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
        return Map.copyOf(entities);
    }

    /** Printable ASCII, tab and newline without {@code &}: text that no step changes (the common case). */
    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n') || c > 0x7E || c == '&') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || isAsciiLetter(c);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
