package dev.jclip.data;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming reader of the regular files in a tar archive: 512-byte blocks, POSIX ustar headers
 * (with the name prefix field), GNU long names ({@code L} entries) and pax {@code path} records, the
 * formats GNU tar and Python's tarfile write. Every header checksum is verified. Folders, links and
 * other entry types are skipped. Damage (a bad checksum, a header or an entry cut short, a missing
 * end-of-archive block) throws a {@link Damage} naming the archive and the byte offset; the
 * entries returned before it are intact.
 */
public final class TarReader implements Closeable {
    private static final int BLOCK = 512;
    /** The largest GNU long name or pax header accepted: guards against allocating a corrupt size. */
    private static final int MAX_META = 1 << 20;

    private final InputStream in;
    private final String name;
    private final byte[] header = new byte[BLOCK];
    private long offset;
    private boolean ended;

    /** A regular file of the archive. */
    public record Entry(String name, byte[] data) {}

    /** A truncated or corrupt archive; {@link #entryName()} is the entry whose data was cut, if the damage is there. */
    public static final class Damage extends IOException {
        private final String detail;
        private final String entryName;

        Damage(String archive, long at, String what, String entryName) {
            super(archive + " at byte " + at + ": " + what);
            this.detail = "at byte " + at + ": " + what;
            this.entryName = entryName;
        }

        /** The message without the archive's name. */
        public String detail() {
            return detail;
        }

        /** The name of the entry whose data is damaged, or null when a header is. */
        public String entryName() {
            return entryName;
        }
    }

    /** Reads {@code in} (buffer it); {@code name} (the archive) is used in errors. */
    public TarReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** The next regular file, or null at the end-of-archive block. */
    public Entry next() throws IOException {
        if (ended) {
            return null;
        }
        String longName = null;
        while (true) {
            long at = offset;
            int n = in.readNBytes(header, 0, BLOCK);
            offset += n;
            if (n == 0) {
                throw damage(at, "archive ends without its end-of-archive block (truncated?)");
            }
            if (n < BLOCK) {
                throw damage(at, "header cut short after " + n + " bytes (truncated?)");
            }
            if (isZero(header)) {
                ended = true;
                return null;
            }
            verifyChecksum(at);
            char type = (char) header[156];
            long size = number(124, 12, at, "size");
            if (size > Integer.MAX_VALUE - 8) {
                throw damage(at, "entry of " + size + " bytes is too large");
            }
            switch (type) {
                case 'L' -> longName = cString(readMeta(size, at), 0, (int) size);
                case 'x' -> {
                    String path = paxPath(readMeta(size, at), at);
                    if (path != null) {
                        longName = path;
                    }
                }
                case '0', '\0', '7' -> {
                    String entryName = longName != null ? longName : headerName();
                    return new Entry(entryName, readData((int) size, at, entryName));
                }
                default -> {
                    longName = null;
                    skipData(size, at);
                }
            }
        }
    }

    /** The name in a ustar header: the prefix field (POSIX ustar only) joined to the name field. */
    private String headerName() {
        String base = cString(header, 0, 100);
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        if (posix && header[345] != 0) {
            return cString(header, 345, 155) + "/" + base;
        }
        return base;
    }

    private byte[] readData(int size, long at, String entryName) throws IOException {
        byte[] data = in.readNBytes(size); // grows as it reads, so a corrupt size cannot allocate at once
        offset += data.length;
        if (data.length < size) {
            throw new Damage(name, at, "entry " + entryName + " cut short: " + data.length + " of " + size + " bytes (truncated?)",
                    entryName);
        }
        skipPadding(size, at);
        return data;
    }

    private byte[] readMeta(long size, long at) throws IOException {
        if (size > MAX_META) {
            throw damage(at, "long name or pax header of " + size + " bytes");
        }
        return readData((int) size, at, "(long name or pax header)");
    }

    private void skipData(long size, long at) throws IOException {
        try {
            in.skipNBytes(size);
        } catch (EOFException e) {
            throw damage(at, "entry cut short (truncated?)");
        }
        offset += size;
        skipPadding(size, at);
    }

    private void skipPadding(long size, long at) throws IOException {
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        try {
            in.skipNBytes(pad);
        } catch (EOFException e) {
            throw damage(at, "entry padding cut short (truncated?)");
        }
        offset += pad;
    }

    /** The checksum is the byte sum of the header with its own field read as spaces (signed or unsigned bytes). */
    private void verifyChecksum(long at) throws IOException {
        long stored = number(148, 8, at, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw damage(at, "header checksum " + stored + " does not match the header (" + unsigned + "): corrupt archive");
        }
    }

    /** An octal field (NUL or space terminated, leading spaces allowed) or a GNU base-256 field. */
    private long number(int off, int len, long at, String field) throws IOException {
        if ((header[off] & 0x80) != 0) {
            if (header[off] != (byte) 0x80) {
                throw damage(at, "negative or oversized base-256 " + field + " field");
            }
            long v = 0;
            for (int i = 1; i < len; i++) {
                if ((v >>> 55) != 0) {
                    throw damage(at, "base-256 " + field + " field overflows");
                }
                v = (v << 8) | (header[off + i] & 0xFF);
            }
            return v;
        }
        int i = off;
        int end = off + len;
        while (i < end && header[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            int d = header[i] - '0';
            if (d < 0 || d > 7) {
                throw damage(at, "bad octal digit in the " + field + " field: corrupt archive");
            }
            v = v * 8 + d;
            digits++;
        }
        if (digits == 0) {
            throw damage(at, "empty " + field + " field: corrupt archive");
        }
        return v;
    }

    /** The {@code path} record of a pax extended header ({@code "<length> path=<value>\n"} records), or null. */
    private String paxPath(byte[] pax, long at) throws IOException {
        String path = null;
        int p = 0;
        while (p < pax.length) {
            int space = p;
            int length = 0;
            while (space < pax.length && pax[space] >= '0' && pax[space] <= '9' && length < MAX_META) {
                length = length * 10 + (pax[space++] - '0');
            }
            if (space >= pax.length || pax[space] != ' ' || length <= space - p || p + length > pax.length
                    || pax[p + length - 1] != '\n') {
                throw damage(at, "malformed pax header record at byte " + p);
            }
            String record = new String(pax, space + 1, p + length - 1 - (space + 1), StandardCharsets.UTF_8);
            if (record.startsWith("path=")) {
                path = record.substring(5);
            }
            p += length;
        }
        return path;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private Damage damage(long at, String what) {
        return new Damage(name, at, what, null);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
