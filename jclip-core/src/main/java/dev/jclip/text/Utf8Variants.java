package dev.jclip.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The two decoders of ftfy's mojibake repair: strict UTF-8, and ftfy's "utf-8-variants", which also
 * reads CESU-8 (a supplementary character as two encoded surrogates, as Java's modified UTF-8 writes
 * it) and C0 80 as U+0000. Both return null where Python raises {@code UnicodeDecodeError}.
 *
 * <p>The variant decoder follows ftfy's step by step: find the next special sequence, decode the
 * bytes before it as strict UTF-8, then decode the special sequence. ftfy finds them with byte
 * patterns whose optional parts may also match Python's {@code $}, which holds at the end and before
 * a final '\n'; so C0 followed by a final '\n' decodes as U+0000, the newline swallowed, as in ftfy.
 */
final class Utf8Variants {
    private static final int C0 = 0xC0;
    private static final int ED = 0xED;

    private Utf8Variants() {}

    /** {@code bytes.decode("utf-8")}, or null if they are not well-formed UTF-8. */
    static String decodeStrict(byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code bytes.decode("utf-8-variants")}, or null where ftfy's decoder raises. */
    static String decode(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int pos = 0;
        while (pos < bytes.length) {
            int special = nextSpecial(bytes, pos);
            int plainEnd = special < 0 ? bytes.length : special;
            if (plainEnd > pos) {
                String plain = decodeStrict(bytes, pos, plainEnd);
                if (plain == null) {
                    return null;
                }
                out.append(plain);
                pos = plainEnd;
            } else if ((bytes[pos] & 0xFF) == C0) {
                if (bytes.length - pos < 2) {
                    return null;
                }
                out.append('\u0000');
                pos += 2;
            } else if (bytes.length - pos < 6) {
                // Too short for CESU-8: ftfy hands the rest to the standard decoder (Hangul, or an error).
                String rest = decodeStrict(bytes, pos, bytes.length);
                if (rest == null) {
                    return null;
                }
                out.append(rest);
                pos = bytes.length;
            } else if (isCesu8(bytes, pos)) {
                int cp = ((bytes[pos + 1] & 0x0F) << 16) + ((bytes[pos + 2] & 0x3F) << 10)
                        + ((bytes[pos + 4] & 0x0F) << 6) + (bytes[pos + 5] & 0x3F) + 0x10000;
                out.appendCodePoint(cp);
                pos += 6;
            } else {
                // An encoded surrogate that is not half of a CESU-8 pair.
                return null;
            }
        }
        return out.toString();
    }

    /** Where ftfy's {@code SPECIAL_BYTES_RE} first matches at or after {@code from}, or -1. */
    private static int nextSpecial(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            int v = b[i] & 0xFF;
            boolean javaNull = v == C0 && groups(b, i + 1, 0x80, 0x80);
            boolean surrogate = v == ED && (isCesu8(b, i) || groups(b, i + 1, 0xA0, 0xBF, 0x80, 0xBF));
            if (javaNull || surrogate) {
                return i;
            }
        }
        return -1;
    }

    /**
     * ftfy's {@code CESU8_RE} at {@code at}: ED [A0-AF] [80-BF] ED [B0-BF] [80-BF], where each part
     * after the first byte may also be Python's {@code $}.
     */
    private static boolean isCesu8(byte[] b, int at) {
        return (b[at] & 0xFF) == ED && groups(b, at + 1, 0xA0, 0xAF, 0x80, 0xBF, ED, ED, 0xB0, 0xBF, 0x80, 0xBF);
    }

    /**
     * Whether the bytes from {@code at} match the groups {@code ([lo-hi]|$)} given as lo, hi pairs.
     * A byte in range is taken first; backtracking to {@code $} could not help, as a byte in any of
     * these ranges is never a final '\n'.
     */
    private static boolean groups(byte[] b, int at, int... ranges) {
        int p = at;
        for (int k = 0; k < ranges.length; k += 2) {
            if (p < b.length && (b[p] & 0xFF) >= ranges[k] && (b[p] & 0xFF) <= ranges[k + 1]) {
                p++;
            } else if (!(p == b.length || (p == b.length - 1 && b[p] == '\n'))) {
                return false;
            }
        }
        return true;
    }
}
