package dev.jclip.text;

/**
 * The text clean-up of CLIP's {@code simple_tokenizer.py}:
 * {@code whitespace_clean(basic_clean(text)).lower()}, that is {@code ftfy.fix_text} (see
 * {@link FixText}), {@code html.unescape} twice, strip, every run of whitespace to one space,
 * strip, lowercase.
 */
final class TextCleaner {
    private TextCleaner() {}

    static String clean(String text) {
        String s = collapseWhitespace(basicClean(text));
        return lower(strip(s));
    }

    /** open_clip's {@code basic_clean}: {@code ftfy.fix_text}, {@code html.unescape} twice, strip. */
    static String basicClean(String text) {
        String s = FixText.fix(text);
        s = HtmlUnescape.unescape(HtmlUnescape.unescape(s));
        return strip(s);
    }

    /** open_clip's {@code whitespace_clean}: {@code " ".join(text.split())}. */
    static String joinWords(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pending = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isPythonSpace(c)) {
                pending = out.length() > 0;
            } else {
                if (pending) {
                    out.append(' ');
                    pending = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * open_clip's (and big_vision's) {@code canonicalize_text}: underscores to spaces, ASCII
     * punctuation ({@code string.punctuation}) removed, lowercase, {@code " ".join(text.split())}.
     */
    static String canonicalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.append(' ');
            } else if (!(c < 0x80 && PUNCTUATION.indexOf(c) >= 0)) {
                out.append(c);
            }
        }
        return joinWords(lower(out.toString()));
    }

    /** Python's {@code string.punctuation}. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /**
     * Python's {@code str.lower()}: each code point's lowercase, U+0130 'İ' to "i\u0307", and
     * capital sigma to final 'ς' when a cased letter precedes it and none follows (case-ignorable
     * characters skipped both ways), else 'σ'. Java's {@code toLowerCase} decides final sigma with
     * word boundaries instead, which differs (e.g. "0Σ"), hence this.
     */
    static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp == 0x130) {
                out.append("i\u0307");
            } else if (cp == 0x3A3) {
                out.append(isFinalSigma(s, i) ? '\u03c2' : '\u03c3');
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** CPython's {@code handle_capital_sigma} for the 'Σ' at {@code i}. */
    private static boolean isFinalSigma(String s, int i) {
        int j = i;
        int before = -1;
        while (j > 0) {
            int cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        for (j = i + 1; j < s.length(); ) {
            int cp = s.codePointAt(j);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
            j += Character.charCount(cp);
        }
        return true;
    }

    /** Unicode Cased: Lowercase, Uppercase or titlecase letter. */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter, MidNumLet or Single_Quote. */
    private static boolean isCaseIgnorable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER,
                    Character.MODIFIER_SYMBOL -> true;
            default -> switch (cp) {
                case 0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55,
                        0xFF07, 0xFF0E, 0xFF1A -> true;
                default -> false;
            };
        };
    }

    /** {@code regex.sub(r'\s+', ' ', s)}. */
    private static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isRegexSpace(c)) {
                if (!inSpace) {
                    out.append(' ');
                }
                inSpace = true;
            } else {
                out.append(c);
                inSpace = false;
            }
        }
        return out.toString();
    }

    /** Python's {@code str.strip()}. */
    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isPythonSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * {@code \s} of the {@code regex} module (Unicode White_Space). All its characters are in the
     * BMP, so a char test is exact.
     */
    static boolean isRegexSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** Python's {@code str.isspace()} for one character: White_Space plus the separators U+001C-U+001F. */
    static boolean isPythonSpace(char c) {
        return isRegexSpace(c) || (c >= 0x1C && c <= 0x1F);
    }
}
