package dev.jclip.text;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's split of cleaned text into words before BPE: the matches, left to right, of
 * <pre>{@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}</pre>
 * compiled by Python's {@code regex} module with IGNORECASE. The first alternative that matches at
 * a position wins (a run of punctuation swallows a special token that follows it); whitespace is
 * skipped. Two effects of IGNORECASE survive the lowercasing done before: 's' in the literals also
 * matches 'ſ' (U+017F, whose case fold is 's'), and U+0345 (combining ypogegrammeni, whose capital
 * is a letter) matches neither the letter class nor its negation, so it is skipped like whitespace.
 */
final class PreTokenizer {
    static final String START = "<|startoftext|>";
    static final String END = "<|endoftext|>";
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    private PreTokenizer() {}

    /** The words of {@code text}, which must already be cleaned and lowercased. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = literalEnd(text, i);
            if (end < 0) {
                int cp = text.codePointAt(i);
                if (isLetter(cp)) {
                    end = i + Character.charCount(cp);
                    while (end < n && isLetter(text.codePointAt(end))) {
                        end += Character.charCount(text.codePointAt(end));
                    }
                } else if (isNumber(cp)) {
                    end = i + Character.charCount(cp);
                } else if (isOther(cp)) {
                    end = i + Character.charCount(cp);
                    while (end < n && isOther(text.codePointAt(end))) {
                        end += Character.charCount(text.codePointAt(end));
                    }
                } else {
                    i += Character.charCount(cp);
                    continue;
                }
            }
            words.add(text.substring(i, end));
            i = end;
        }
        return words;
    }

    /** End of a special token or contraction starting at {@code i}, or -1. */
    private static int literalEnd(String text, int i) {
        char c = text.charAt(i);
        if (c == '<') {
            if (matches(text, i, START)) {
                return i + START.length();
            }
            if (matches(text, i, END)) {
                return i + END.length();
            }
        } else if (c == '\'') {
            for (String contraction : CONTRACTIONS) {
                if (matches(text, i, contraction)) {
                    return i + contraction.length();
                }
            }
        }
        return -1;
    }

    /** Whether {@code literal} (lowercase ASCII) occurs at {@code i}, case-insensitively as the regex module sees it. */
    private static boolean matches(String text, int i, String literal) {
        if (i + literal.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < literal.length(); k++) {
            char c = text.charAt(i + k);
            char l = literal.charAt(k);
            if (c != l && !(l == 's' && c == '\u017f')) {
                return false;
            }
        }
        return true;
    }

    /** {@code \p{L}}: the Unicode letter categories Lu, Ll, Lt, Lm, Lo. */
    private static boolean isLetter(int cp) {
        return Character.isLetter(cp);
    }

    /** {@code \p{N}}: the Unicode number categories Nd, Nl, No. */
    private static boolean isNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** {@code [^\s\p{L}\p{N}]} under IGNORECASE. */
    private static boolean isOther(int cp) {
        return !isLetter(cp) && !isNumber(cp) && !(cp < 0x10000 && TextCleaner.isRegexSpace((char) cp)) && cp != 0x345;
    }
}
