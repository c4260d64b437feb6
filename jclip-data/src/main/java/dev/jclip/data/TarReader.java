package dev.jclip.data;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * A streaming reader of the regular files in a tar archive (commons-compress): POSIX ustar (with
 * the name prefix field), GNU long names and pax {@code path} records, the formats GNU tar and
 * Python's tarfile write. Every header checksum is verified. Folders, links and other entry types
 * are skipped. Damage (a bad checksum, a header or an entry cut short, a missing end-of-archive
 * block) throws a {@link Damage} naming the archive and the byte offset; the entries returned
 * before it are intact.
 */
public final class TarReader implements Closeable {
    /** The largest GNU long name or pax header accepted: guards against allocating a corrupt size. */
    private static final int MAX_META = 1 << 20;
    /** Where a ustar header's size field starts (after name, mode, uid and gid). */
    private static final int SIZE_OFFSET = TarConstants.NAMELEN + TarConstants.MODELEN + TarConstants.UIDLEN + TarConstants.GIDLEN;

    private final Headers tar;
    private final String name;

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
        this.tar = new Headers(new EndFlag(in), name);
        this.name = name;
    }

    /** The next regular file, or null at the end-of-archive block. */
    public Entry next() throws IOException {
        while (true) {
            TarArchiveEntry e;
            try {
                e = tar.getNextEntry();
            } catch (Damage d) {
                throw d;
            } catch (IOException ex) {
                throw new Damage(name, tar.headerAt, ex.getMessage(), null); // a long name or pax header cut short
            }
            if (e == null) {
                return null;
            }
            byte flag = e.getLinkFlag();
            if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM && flag != TarConstants.LF_CONTIG) {
                continue;
            }
            if (e.getSize() > Integer.MAX_VALUE - 8) {
                throw new Damage(name, tar.headerAt, "entry of " + e.getSize() + " bytes is too large", null);
            }
            return new Entry(e.getName(), readData(e.getName(), (int) e.getSize()));
        }
    }

    /** The entry's bytes, the buffer growing as they come so that a corrupt size cannot allocate at once. */
    private byte[] readData(String entryName, int size) throws IOException {
        byte[] data = new byte[Math.min(size, 1 << 16)];
        int n = 0;
        try {
            while (n < size) {
                if (n == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(size, 2L * n));
                }
                int r = tar.read(data, n, data.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            if (!tar.end.reached) {
                throw e;
            }
        }
        if (n < size) {
            throw new Damage(name, tar.headerAt, "entry " + entryName + " cut short: " + n + " of " + size + " bytes (truncated?)",
                    entryName);
        }
        return data;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    /**
     * commons-compress's tar stream with what it leaves to the caller: header checksums, the
     * end-of-archive block required, and a cap on GNU long names and pax headers.
     */
    private static final class Headers extends TarArchiveInputStream {
        private final String name;
        final EndFlag end;
        /** The offset of the last header read. */
        long headerAt;
        private boolean ended;

        Headers(EndFlag in, String name) {
            // Lenient: fields the reader does not use (mode, owner, times) do not make an archive unreadable.
            super(in, TarConstants.DEFAULT_BLKSIZE, TarConstants.DEFAULT_RCDSIZE, StandardCharsets.UTF_8.name(), true);
            this.name = name;
            this.end = in;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            long at = getBytesRead();
            byte[] record = super.readRecord();
            if (ended) {
                return record; // after the end-of-archive block: padding, whatever it holds
            }
            if (record == null) {
                long got = getBytesRead() - at;
                throw new Damage(name, at, got == 0 ? "archive ends without its end-of-archive block (truncated?)"
                        : "header cut short after " + got + " bytes (truncated?)", null);
            }
            if (isEOFRecord(record)) {
                ended = true;
                return record;
            }
            headerAt = at;
            if (!checksumMatches(record)) {
                throw new Damage(name, at, "header checksum does not match the header: corrupt archive", null);
            }
            byte type = record[TarConstants.LF_OFFSET];
            if (type == TarConstants.LF_GNUTYPE_LONGNAME || type == TarConstants.LF_GNUTYPE_LONGLINK || type == TarConstants.LF_PAX_EXTENDED_HEADER_LC
                    || type == TarConstants.LF_PAX_EXTENDED_HEADER_UC || type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER) {
                long size;
                try {
                    size = TarUtils.parseOctalOrBinary(record, SIZE_OFFSET, TarConstants.SIZELEN);
                } catch (IllegalArgumentException e) {
                    throw new Damage(name, at, "bad size field: " + e.getMessage(), null);
                }
                if (size > MAX_META) {
                    throw new Damage(name, at, "long name or pax header of " + size + " bytes", null);
                }
            }
            return record;
        }

        private static boolean checksumMatches(byte[] header) {
            try {
                return TarUtils.verifyCheckSum(header);
            } catch (IllegalArgumentException e) {
                return false; // the checksum field itself is not octal
            }
        }
    }

    /** Notes whether the archive's bytes ran out, which tells truncation from other read errors. */
    private static final class EndFlag extends FilterInputStream {
        boolean reached;

        EndFlag(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            reached |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            reached |= n < 0;
            return n;
        }
    }
}
