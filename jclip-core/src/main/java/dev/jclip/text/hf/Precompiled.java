package dev.jclip.text.hf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SentencePiece's precompiled normalization ({@code precompiled_charsmap}): a darts-clone double
 * array over UTF-8 keys whose values point into a block of NUL-terminated replacements. As the
 * {@code tokenizers} library applies it: a grapheme cluster shorter than 6 UTF-8 bytes is replaced
 * whole when a prefix of it is a key (the shortest such key decides), otherwise each code point
 * is looked up alone.
 */
final class Precompiled implements Normalizer {
    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    private final int[] units;
    private final byte[] replacements;

    /** Reads the blob: a little-endian u32 byte size of the array, the array, the replacements. */
    Precompiled(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        if (blob.length < 4) {
            throw new IllegalArgumentException("charsmap of " + blob.length + " bytes has no header");
        }
        long size = Integer.toUnsignedLong(b.getInt());
        if (size % 4 != 0 || size == 0 || size > blob.length - 4) {
            throw new IllegalArgumentException("charsmap array size " + size + " does not fit its " + blob.length + " bytes");
        }
        units = new int[(int) (size / 4)];
        b.asIntBuffer().get(units);
        replacements = java.util.Arrays.copyOfRange(blob, 4 + (int) size, blob.length);
    }

    @Override
    public String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        Matcher m = GRAPHEME.matcher(text);
        while (m.find()) {
            String grapheme = m.group();
            byte[] bytes = grapheme.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 6) {
                String r = lookup(bytes);
                if (r != null) {
                    sb.append(r);
                    continue;
                }
            }
            grapheme.codePoints().forEach(c -> {
                String r = lookup(Character.toString(c).getBytes(StandardCharsets.UTF_8));
                if (r != null) {
                    sb.append(r);
                } else {
                    sb.appendCodePoint(c);
                }
            });
        }
        return sb.toString();
    }

    /** The replacement of the shortest key that prefixes {@code key}, or null. */
    private String lookup(byte[] key) {
        int pos = 0;
        int unit = units[0];
        pos ^= offset(unit);
        for (byte kb : key) {
            int c = kb & 0xFF;
            if (c == 0) {
                return null;
            }
            pos ^= c;
            if (pos >= units.length) {
                return null;
            }
            unit = units[pos];
            if ((unit & 0x800000FF) != c) {
                return null;
            }
            pos ^= offset(unit);
            if (((unit >>> 8) & 1) == 1) {
                if (pos >= units.length) {
                    return null;
                }
                return replacement(units[pos] & 0x7FFFFFFF);
            }
        }
        return null;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private String replacement(int start) {
        int end = start;
        while (end < replacements.length && replacements[end] != 0) {
            end++;
        }
        return start > replacements.length ? "" : new String(replacements, start, end - start, StandardCharsets.UTF_8);
    }
}
