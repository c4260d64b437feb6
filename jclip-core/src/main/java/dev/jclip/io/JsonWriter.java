package dev.jclip.io;

/**
 * The core's one JSON writer, also used for the training log (the core has no dependencies; the CLI
 * and the server use Jackson): compact JSON, strings escaped as Rust's {@code serde_json} escapes
 * them, so safetensors headers match the reference byte for byte. Control characters are always
 * escaped, and so are unpaired UTF-16 surrogates, which UTF-8 cannot hold (JSON's grammar allows
 * such an escape; Python and this package's reader take it back, Jackson only in values), so the
 * output is one line of JSON whatever the strings hold. Numbers that JSON cannot hold (NaN,
 * infinities) are refused, never written as text JSON readers reject.
 *
 * <pre>{@code
 * new JsonWriter().beginObject().name("shape").beginArray().value(2).value(3).endArray().endObject().toString()
 * }</pre>
 * The caller nests begin and end calls correctly; the writer does not check the structure.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder();
    /** Whether the next value, name or opening bracket follows another one and needs a comma. */
    private boolean comma;
    /** The last name written, for errors. */
    private String name;

    /** Opens an object. */
    public JsonWriter beginObject() {
        separate().append('{');
        comma = false;
        return this;
    }

    /** Closes the innermost object. */
    public JsonWriter endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    /** Opens an array. */
    public JsonWriter beginArray() {
        separate().append('[');
        comma = false;
        return this;
    }

    /** Closes the innermost array. */
    public JsonWriter endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** The name of the next member of the current object. */
    public JsonWriter name(String name) {
        quote(separate(), name).append(':');
        this.name = name;
        comma = false;
        return this;
    }

    /** A string, or {@code null} for JSON null. */
    public JsonWriter value(String s) {
        if (s == null) {
            return nullValue();
        }
        quote(separate(), s);
        comma = true;
        return this;
    }

    /** An integer. */
    public JsonWriter value(long v) {
        separate().append(v);
        comma = true;
        return this;
    }

    /** A finite float, written as {@link Float#toString} writes it; NaN and infinities are refused. */
    public JsonWriter value(float v) {
        separate().append(finite(v, Float.isFinite(v)));
        comma = true;
        return this;
    }

    /** A finite double, written as {@link Double#toString} writes it; NaN and infinities are refused. */
    public JsonWriter value(double v) {
        separate().append(finite(v, Double.isFinite(v)));
        comma = true;
        return this;
    }

    /** {@code true} or {@code false}. */
    public JsonWriter value(boolean v) {
        separate().append(v);
        comma = true;
        return this;
    }

    /** JSON null. */
    public JsonWriter nullValue() {
        separate().append("null");
        comma = true;
        return this;
    }

    /** The JSON written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    /** {@code s} as a JSON string literal, quotes included, escaped as this writer escapes. */
    public static String quote(String s) {
        return quote(new StringBuilder(s.length() + 2), s).toString();
    }

    private StringBuilder separate() {
        return comma ? out.append(',') : out;
    }

    private Object finite(Object v, boolean finite) {
        if (!finite) {
            throw new IllegalArgumentException("JSON has no " + v + (name == null ? "" : " (for \"" + name + "\")")
                    + ": only finite numbers can be written");
        }
        return v;
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !paired(s, i)) {
                        sb.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a pair (a high one before a low one). */
    private static boolean paired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
