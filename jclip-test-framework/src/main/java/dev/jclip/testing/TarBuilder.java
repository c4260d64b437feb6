package dev.jclip.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes tar archives for tests, byte by byte from the ustar layout (GNU {@code L} entries for long names). */
public final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Adds a regular file holding {@code text} in UTF-8. */
    public TarBuilder file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a regular file holding {@code data}, preceded by a GNU long-name entry when the name needs one. */
    public TarBuilder file(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            byte[] longName = Arrays.copyOf(n, n.length + 1);
            header("././@LongLink", longName.length, 'L');
            body(longName);
        }
        header(name, data.length, '0');
        body(data);
        return this;
    }

    /** Adds a directory entry. */
    public TarBuilder directory(String name) {
        header(name, 0, '5');
        return this;
    }

    /** The archive with its end-of-archive blocks. */
    public byte[] finish() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private void header(String name, long size, char type) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, "14000000000\0");
        put(h, 148, "        ");
        h[156] = (byte) type;
        put(h, 257, "ustar\0" + "00");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        out.writeBytes(h);
    }

    private void body(byte[] data) {
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
