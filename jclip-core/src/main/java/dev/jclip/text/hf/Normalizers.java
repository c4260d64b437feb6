package dev.jclip.text.hf;

import java.text.Normalizer.Form;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The normalizers of the {@code tokenizers} library, each as its {@code "type"} in tokenizer.json names it. */
final class Normalizers {
    private Normalizers() {
    }

    static Normalizer sequence(List<Normalizer> steps) {
        return text -> {
            for (Normalizer n : steps) {
                text = n.normalize(text);
            }
            return text;
        };
    }

    static Normalizer unicode(Form form) {
        return text -> java.text.Normalizer.normalize(text, form);
    }

    static Normalizer lowercase() {
        return Chars::lowercase;
    }

    static Normalizer strip(boolean left, boolean right) {
        return text -> {
            int start = 0;
            int end = text.length();
            while (left && start < end && Chars.isWhitespace(text.codePointAt(start))) {
                start += Character.charCount(text.codePointAt(start));
            }
            while (right && end > start && Chars.isWhitespace(text.codePointBefore(end))) {
                end -= Character.charCount(text.codePointBefore(end));
            }
            return text.substring(start, end);
        };
    }

    /** Removes combining marks (it does not decompose: tokenizer files put an NFD or NFKD before it). */
    static Normalizer stripAccents() {
        return text -> filter(text, c -> !Chars.isMark(c));
    }

    static Normalizer replace(Pattern pattern, String content) {
        String literal = Matcher.quoteReplacement(content);
        return text -> pattern.matcher(text).replaceAll(literal);
    }

    /** Prepends {@code prefix} to non-empty text. */
    static Normalizer prepend(String prefix) {
        return text -> text.isEmpty() ? text : prefix + text;
    }

    /** SentencePiece's NMT cleaning: drops ASCII controls, maps line breaks and zero-width characters to a space. */
    static Normalizer nmt() {
        return text -> {
            StringBuilder sb = new StringBuilder(text.length());
            text.codePoints().forEach(c -> {
                if ((c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || c == 0x8F
                        || c == 0x9F) {
                    return;
                }
                boolean space = c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1680
                        || (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 || c == 0x2581 || c == 0xFEFF
                        || c == 0xFFFD;
                sb.appendCodePoint(space ? ' ' : c);
            });
            return sb.toString();
        };
    }

    /** BERT's normalizer: clean text, space out CJK ideographs, strip accents (after NFD), lower-case, in that order. */
    static Normalizer bert(boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase) {
        return text -> {
            if (cleanText) {
                StringBuilder sb = new StringBuilder(text.length());
                text.codePoints().forEach(c -> {
                    boolean tab = c == '\t' || c == '\n' || c == '\r';
                    if (c == 0 || c == 0xFFFD || (!tab && Chars.isOther(c))) {
                        return;
                    }
                    sb.appendCodePoint(tab || Chars.isWhitespace(c) ? ' ' : c);
                });
                text = sb.toString();
            }
            if (chineseChars) {
                StringBuilder sb = new StringBuilder(text.length());
                text.codePoints().forEach(c -> {
                    if (isChinese(c)) {
                        sb.append(' ').appendCodePoint(c).append(' ');
                    } else {
                        sb.appendCodePoint(c);
                    }
                });
                text = sb.toString();
            }
            if (stripAccents) {
                text = filter(java.text.Normalizer.normalize(text, Form.NFD),
                        c -> Character.getType(c) != Character.NON_SPACING_MARK);
            }
            return lowercase ? Chars.lowercase(text) : text;
        };
    }

    /** The CJK blocks BERT treats as words of their own (the library's ranges, which skip U+2B820..U+2B91F). */
    private static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private static String filter(String text, java.util.function.IntPredicate keep) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().filter(keep).forEach(sb::appendCodePoint);
        return sb.toString();
    }
}
