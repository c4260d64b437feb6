package dev.jclip.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Python's {@code html.unescape}, character for character: numeric references with or without
 * the semicolon (with the HTML5 replacements for 0, CR, 0x80-0x9F, surrogates and out-of-range
 * numbers, and the removal of the invalid code points), and the 2,231 HTML5 named references,
 * where a name without its semicolon decodes as its longest known prefix ("&amp;ampx" is "&amp;x").
 */
final class HtmlUnescape {
    /** Name (with ';' where the reference has one) to replacement, as {@code html.entities.html5}. */
    static final Map<String, String> HTML5 = readTable("html5-entities.txt");

    /** Windows-1252 for 0x80-0x9F, the five undefined bytes mapping to themselves (browsers and ftfy do this). */
    static final String C1_AS_CP1252 =
            "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
                    + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    private static final int MAX_NAME = 32;

    private HtmlUnescape() {}

    /** {@code html.unescape(s)}. */
    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        // Python scans with the pattern &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?);
        // where no alternative matches, the '&' stays and the scan resumes at the next '&'.
        while (amp >= 0) {
            int end = referenceEnd(s, amp);
            if (end > 0) {
                out.append(s, copied, amp).append(replace(s.substring(amp + 1, end)));
                copied = end;
                amp = s.indexOf('&', end);
            } else {
                amp = s.indexOf('&', amp + 1);
            }
        }
        return out.append(s, copied, s.length()).toString();
    }

    /** End (exclusive) of the reference that starts with the {@code &} at {@code amp}, or -1 when none does. */
    private static int referenceEnd(String s, int amp) {
        int i = amp + 1;
        int n = s.length();
        if (i < n && s.charAt(i) == '#') {
            boolean hex = i + 1 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X');
            int digits = hex ? i + 2 : i + 1;
            int j = digits;
            while (j < n && (hex ? isHexDigit(s.charAt(j)) : isDigit(s.charAt(j)))) {
                j++;
            }
            if (j == digits) {
                // "&#x" without hex digits: Python falls back to the decimal branch, which needs a digit
                // right after '#', and 'x' is not one; the named branch cannot start with '#'.
                return -1;
            }
            return j < n && s.charAt(j) == ';' ? j + 1 : j;
        }
        int j = i;
        int codePoints = 0;
        while (j < n && codePoints < MAX_NAME && isNameChar(s.charAt(j))) {
            j += Character.charCount(s.codePointAt(j));
            codePoints++;
        }
        if (codePoints == 0) {
            return -1;
        }
        return j < n && s.charAt(j) == ';' ? j + 1 : j;
    }

    /** The replacement for one matched reference, given without its {@code &} (Python's {@code _replace_charref}). */
    private static String replace(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            int from = hex ? 2 : 1;
            int to = ref.endsWith(";") ? ref.length() - 1 : ref.length();
            return numeric(ref.substring(from, to), hex ? 16 : 10);
        }
        String whole = HTML5.get(ref);
        if (whole != null) {
            return whole;
        }
        // Longest known prefix of at least two characters, the rest kept as text.
        for (int x = ref.length() - 1; x > 1; x--) {
            String prefix = HTML5.get(ref.substring(0, x));
            if (prefix != null) {
                return prefix + ref.substring(x);
            }
        }
        return "&" + ref;
    }

    private static String numeric(String digits, int radix) {
        // Python's int() has no overflow: anything past 0x10FFFF becomes U+FFFD, so clamp while parsing.
        long num = 0;
        for (int k = 0; k < digits.length() && num <= 0x10FFFF; k++) {
            num = num * radix + Character.digit(digits.charAt(k), radix);
        }
        if (num == 0x00) {
            return "\uFFFD";
        }
        if (num == 0x0D) {
            return "\r";
        }
        if (num >= 0x80 && num <= 0x9F) {
            return String.valueOf(C1_AS_CP1252.charAt((int) num - 0x80));
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\uFFFD";
        }
        int cp = (int) num;
        if (isInvalidCodePoint(cp)) {
            return "";
        }
        return Character.toString(cp);
    }

    /** Python's {@code html._invalid_codepoints}: control characters and noncharacters, dropped. */
    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isNameChar(char c) {
        return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' && c != ';';
    }

    private static Map<String, String> readTable(String resource) {
        Map<String, String> table = new HashMap<>(4096);
        try (InputStream in = HtmlUnescape.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/jclip/text/" + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder value = new StringBuilder(2);
                for (String hex : line.substring(tab + 1).split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                table.put(line.substring(0, tab), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource dev/jclip/text/" + resource, e);
        }
        return Map.copyOf(table);
    }
}
