package dev.jclip.text.hf;

/**
 * The character classes of the Hugging Face {@code tokenizers} library, which uses Rust's
 * definitions: these differ from {@link Character#isWhitespace} (Rust counts no-break spaces,
 * not the ASCII separators 0x1C-0x1F) and from Java's punctuation notion (BERT also counts
 * every ASCII symbol).
 */
final class Chars {
    private Chars() {
    }

    /** Rust's {@code char::is_whitespace}: the Unicode White_Space property. */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** ASCII punctuation or a Unicode punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po). */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** Rust's {@code char::is_numeric}: categories Nd, Nl, No. */
    static boolean isNumeric(int c) {
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Categories Cc, Cf, Cs, Co, Cn. */
    static boolean isOther(int c) {
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE || t == Character.UNASSIGNED;
    }

    /** Any mark category (Mn, Mc, Me). */
    static boolean isMark(int c) {
        int t = Character.getType(c);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    /** A letter, digit or underscore, the word characters of added tokens' {@code single_word}. */
    static boolean isWordChar(int c) {
        return Character.isAlphabetic(c) || isNumeric(c) || c == '_';
    }

    /** Rust's {@code char::to_lowercase}, one code point at a time (so without the final-sigma rule). */
    static String lowercase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c < 0x80) {
                sb.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
            } else if (c == 0x3A3) {
                sb.append('\u03C3');
            } else {
                sb.append(Character.toString(c).toLowerCase(java.util.Locale.ROOT));
            }
        });
        return sb.toString();
    }
}
