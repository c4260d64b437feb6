package dev.jclip.eval;

import java.util.Locale;

/** Numbers for the JSONL log: 6 decimals, non-finite as {@code null}. */
final class Json {
    private Json() {}

    static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6f", x) : "null";
    }
}
