package dev.jclip.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file of unsigned bytes (the MNIST format), plain or gzip'd (detected from its first bytes).
 * The header is a magic number {@code 0x0000 08 NN} (element type 0x08, NN dimensions) and NN
 * big-endian 32-bit sizes; the data follows, the first dimension indexing the items. Opening checks
 * the header and that the file length (for gzip, the uncompressed length in its trailer) is exactly
 * what the header implies, so a truncated or mislabelled file fails before anything is read.
 */
final class IdxFile {
    private final Path file;
    private final boolean gzip;
    private final int[] dims;
    private final int headerBytes;

    private IdxFile(Path file, boolean gzip, int[] dims) {
        this.file = file;
        this.gzip = gzip;
        this.dims = dims;
        this.headerBytes = 4 + 4 * dims.length;
    }

    /** Opens and validates {@code file}; throws {@link IllegalArgumentException} naming it if it is not a valid IDX file. */
    public static IdxFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such IDX file: " + file);
        }
        try {
            boolean gzip;
            try (InputStream raw = Files.newInputStream(file)) {
                byte[] head = raw.readNBytes(2);
                gzip = head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
            }
            int[] dims;
            try (DataInputStream in = new DataInputStream(open(file, gzip))) {
                dims = header(in, file);
            }
            IdxFile idx = new IdxFile(file, gzip, dims);
            idx.checkLength();
            return idx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + file, e);
        }
    }

    private static int[] header(DataInputStream in, Path file) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new IllegalArgumentException(file + " is not an IDX file: it must start with the magic number 0x0000TTNN"
                    + (magic.length < 4 ? " (the file is shorter than 4 bytes)" : ""));
        }
        if (magic[2] != 0x08) {
            throw new IllegalArgumentException(file + ": IDX element type 0x" + String.format("%02x", magic[2] & 0xFF)
                    + " is not supported (only 0x08, unsigned bytes)");
        }
        int n = magic[3] & 0xFF;
        if (n == 0) {
            throw new IllegalArgumentException(file + ": IDX header declares 0 dimensions");
        }
        byte[] sizes = in.readNBytes(4 * n);
        if (sizes.length < 4 * n) {
            throw new IllegalArgumentException(file + ": IDX header cut short: " + n + " dimension sizes declared");
        }
        int[] dims = new int[n];
        for (int i = 0; i < n; i++) {
            dims[i] = ((sizes[4 * i] & 0xFF) << 24) | ((sizes[4 * i + 1] & 0xFF) << 16)
                    | ((sizes[4 * i + 2] & 0xFF) << 8) | (sizes[4 * i + 3] & 0xFF);
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                throw new IllegalArgumentException(file + ": IDX dimension " + i + " has size " + Integer.toUnsignedString(dims[i]));
            }
        }
        long item = 1;
        for (int i = 1; i < n; i++) {
            item *= dims[i];
            if (item > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": IDX items of " + Arrays.toString(Arrays.copyOfRange(dims, 1, n)) + " are too large");
            }
        }
        return dims;
    }

    private void checkLength() throws IOException {
        long expected = headerBytes + (long) count() * itemBytes();
        if (!gzip) {
            long actual = Files.size(file);
            if (actual != expected) {
                throw new IllegalArgumentException(file + " has " + actual + " bytes but its IDX header " + Arrays.toString(dims)
                        + " implies " + expected + (actual < expected ? " (truncated?)" : " (trailing data?)"));
            }
            return;
        }
        // The gzip trailer ends with the uncompressed length modulo 2^32 (RFC 1952, ISIZE, little-endian).
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            if (raf.length() < 18) {
                throw new IllegalArgumentException(file + " is too short to be a gzip file");
            }
            raf.seek(raf.length() - 4);
            byte[] b = new byte[4];
            raf.readFully(b);
            long isize = (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
            if (isize != (expected & 0xFFFF_FFFFL)) {
                throw new IllegalArgumentException(file + ": gzip trailer says " + isize + " uncompressed bytes but the IDX header "
                        + Arrays.toString(dims) + " implies " + expected + " (truncated or damaged gzip?)");
            }
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The dimension sizes, the first being the item count. */
    public int[] dims() {
        return dims.clone();
    }

    /** The number of items (the first dimension). */
    public int count() {
        return dims[0];
    }

    /** The bytes per item (the product of the other dimensions; 1 for a one-dimensional file). */
    public int itemBytes() {
        int item = 1;
        for (int i = 1; i < dims.length; i++) {
            item *= dims[i];
        }
        return item;
    }

    /** A stream of the data, positioned after the header; the caller closes it. */
    public InputStream data() {
        try {
            InputStream in = open(file, gzip);
            in.skipNBytes(headerBytes);
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + file, e);
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
