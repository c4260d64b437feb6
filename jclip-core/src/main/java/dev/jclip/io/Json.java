package dev.jclip.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for the files the core must read without a
 * dependency: safetensors headers, Hugging Face {@code config.json} and
 * {@code vocab.json}, OpenCLIP model configs. Objects become
 * {@link LinkedHashMap}s (key order kept), arrays {@link ArrayList}s, numbers
 * {@link Long} when integral and {@link Double} otherwise. A key given twice in
 * one object is an error, as is anything RFC 8259 does not allow. Errors say
 * where (line and column) and what was expected, never quoting the input's
 * text, except a duplicate key's name. Modules above the core use Jackson.
 */
public final class Json {
    /** Longest key quoted in an error. */
    private static final int KEY_SHOWN = 80;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value; throws {@link IllegalArgumentException} saying where (line and column)
     * the input is malformed.
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("trailing characters after the value");
        }
        return v;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, found " + kind(v));
        }
        return (Map<String, Object>) v;
    }

    /**
     * Reads the JSON object in {@code file} (UTF-8); errors, including bytes that are not UTF-8,
     * name the file and the place.
     */
    public static Map<String, Object> readObject(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer text = CharBuffer.allocate(bytes.remaining());
        CoderResult r = utf8.decode(bytes, text, true);
        if (r.isError()) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (byte " + bytes.position() + " is not valid UTF-8)");
        }
        try {
            return parseObject(text.flip().toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** What a parsed value is, in words, for errors that must not quote it. */
    public static String kind(Object v) {
        return switch (v) {
            case null -> "null";
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            case String _ -> "a string";
            case Boolean _ -> "a boolean";
            default -> "a number";
        };
    }

    private Object value(int depth) {
        if (depth > 256) {
            throw error("nesting too deep");
        }
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (peek('}')) {
                    return m;
                }
                do {
                    skipSpace();
                    if (pos >= s.length() || s.charAt(pos) != '"') {
                        throw error("expected a string key");
                    }
                    int keyAt = pos;
                    String k = string();
                    if (m.containsKey(k)) {
                        throw error(keyAt, "duplicate key " + JsonWriter.quote(k.length() > KEY_SHOWN ? k.substring(0, KEY_SHOWN) + "..." : k));
                    }
                    skipSpace();
                    expect(':');
                    skipSpace();
                    m.put(k, value(depth + 1));
                    skipSpace();
                } while (peek(','));
                expect('}', "expected ',' or '}'");
                return m;
            }
            case '[' -> {
                pos++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (peek(']')) {
                    return l;
                }
                do {
                    skipSpace();
                    l.add(value(depth + 1));
                    skipSpace();
                } while (peek(','));
                expect(']', "expected ',' or ']'");
                return l;
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                literal("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return null;
            }
            default -> {
                return number();
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int code = 0;
                        for (int end = pos + 4; pos < end; pos++) {
                            int digit = pos < s.length() ? Character.digit(s.charAt(pos), 16) : -1;
                            if (digit < 0 || s.charAt(pos) > 'f') {
                                throw error("expected four hexadecimal digits after \\u");
                            }
                            code = code << 4 | digit;
                        }
                        sb.append((char) code);
                    }
                    default -> {
                        pos--;
                        throw error("unknown escape (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
                    }
                }
            } else if (c < 0x20) {
                pos--;
                throw error("unescaped control character in a string");
            } else {
                sb.append(c);
            }
        }
    }

    /** A number as RFC 8259 writes it: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private Object number() {
        int start = pos;
        peek('-');
        if (!peek('0') && digits() == 0) {
            throw error("expected a value (object, array, string, number, true, false or null)");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            if (digits() == 0) {
                throw error("expected a digit after the decimal point");
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            if (!peek('+')) {
                peek('-');
            }
            if (digits() == 0) {
                throw error("expected a digit in the exponent");
            }
        }
        String t = s.substring(start, pos);
        if (integral && t.length() < 19) {
            return Long.parseLong(t);
        }
        return Double.parseDouble(t);
    }

    /** Skips decimal digits; how many. */
    private int digits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return pos - start;
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw error("expected a value (object, array, string, number, true, false or null)");
        }
        pos += word.length();
    }

    private boolean peek(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        expect(c, "expected '" + c + "'");
    }

    private void expect(char c, String what) {
        if (!peek(c)) {
            throw error(what);
        }
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return error(pos, what);
    }

    /** A malformed-input error at character {@code at}, placed by line and column (both from 1). */
    private IllegalArgumentException error(int at, String what) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IllegalArgumentException("malformed JSON at line " + line + ", column " + (at - lineStart + 1) + ": " + what);
    }
}
