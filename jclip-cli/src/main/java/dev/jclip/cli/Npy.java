package dev.jclip.cli;

import dev.jclip.io.AtomicWriter;
import dev.jclip.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * NumPy {@code .npy} files of float32 in C order (what {@code numpy.load} reads
 * as {@code dtype('<f4')}). The writer emits format version 1.0: the magic
 * {@code \x93NUMPY}, version bytes 1 0, a little-endian u16 header length, and
 * an ASCII Python-dict header padded with spaces and a newline so the data
 * starts at a multiple of 64 bytes. The reader accepts versions 1.0 to 3.0 of
 * such files.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy aligns the data start to 64 bytes. */
    private static final int ALIGN = 64;
    /** NumPy's own limit on headers it will parse ({@code max_header_size}). */
    private static final int MAX_HEADER_BYTES = 10000;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Writes {@code data} with {@code shape} (e.g. {@code [N, D]}) as little-endian float32, atomically. */
    static void write(Path path, float[] data, int... shape) throws IOException {
        if (Tensor.numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Tensor.numel(shape)
                    + " elements, the array has " + data.length);
        }
        byte[] header = header(shape);
        AtomicWriter.write(path, out -> {
            out.bytes(MAGIC);
            out.bytes(new byte[] {1, 0, (byte) header.length, (byte) (header.length >>> 8)});
            out.bytes(header);
            out.floats(data);
        });
    }

    /** Writes a tensor's values in its shape. */
    static void write(Path path, Tensor t) throws IOException {
        write(path, t.data(), t.shape());
    }

    /** Reads a little-endian float32 C-order {@code .npy} file; other files get an error naming the problem. */
    static Tensor read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 12) {
                throw bad(path, "file has " + size + " bytes; not a .npy file");
            }
            ByteBuffer head = read(path, ch, 0, 12);
            byte[] magic = new byte[MAGIC.length];
            head.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw bad(path, "no \\x93NUMPY magic; not a .npy file");
            }
            int major = head.get(6);
            int prefix = major == 1 ? 10 : 12;
            long headerLen = switch (major) {
                case 1 -> head.getShort(8) & 0xFFFF;
                case 2, 3 -> head.getInt(8) & 0xFFFFFFFFL;
                default -> throw bad(path, "unsupported .npy version " + major + "." + head.get(7));
            };
            if (headerLen > MAX_HEADER_BYTES || headerLen > size - prefix) {
                throw bad(path, "header length " + headerLen + " is impossible for a file of " + size
                        + " bytes (NumPy's limit is " + MAX_HEADER_BYTES + ")");
            }
            String header = StandardCharsets.ISO_8859_1.decode(read(path, ch, prefix, (int) headerLen)).toString();
            String descr = group(path, DESCR, header, "descr");
            if (!descr.equals("<f4")) {
                throw bad(path, "dtype '" + descr + "' is not little-endian float32 '<f4'");
            }
            if (group(path, FORTRAN, header, "fortran_order").equals("True")) {
                throw bad(path, "Fortran-order arrays are not supported");
            }
            int[] shape = parseShape(path, group(path, SHAPE, header, "shape"));
            long dataBytes = size - prefix - headerLen;
            if (numel(path, shape) * 4 != dataBytes) {
                throw bad(path, "shape " + Arrays.toString(shape) + " of float32 needs " + numel(path, shape) * 4
                        + " bytes, the file has " + dataBytes + " after the header");
            }
            float[] data = new float[(int) numel(path, shape)];
            int chunk = 1 << 18;
            for (int i = 0; i < data.length; i += chunk) {
                int n = Math.min(chunk, data.length - i);
                read(path, ch, prefix + headerLen + 4L * i, 4 * n).asFloatBuffer().get(data, i, n);
            }
            return Tensor.of(data, shape);
        }
    }

    /** The version 1.0 header dict, padded so that magic, version, length and header fill whole 64-byte blocks. */
    private static byte[] header(int[] shape) {
        // Python's tuple repr: (), (5,), (3, 4).
        String dims = shape.length == 1 ? shape[0] + ","
                : Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = (10 + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        String padded = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        if (padded.length() > 0xFFFF) {
            throw new IllegalArgumentException("shape of rank " + shape.length + " is too long for a .npy 1.0 header");
        }
        return padded.getBytes(StandardCharsets.US_ASCII);
    }

    private static int[] parseShape(Path path, String tuple) {
        String t = tuple.strip();
        if (t.endsWith(",")) {
            t = t.substring(0, t.length() - 1);
        }
        String[] parts = t.isEmpty() ? new String[0] : t.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw bad(path, "bad shape (" + tuple + ")");
            }
            if (shape[i] < 0) {
                throw bad(path, "bad shape (" + tuple + ")");
            }
        }
        return shape;
    }

    /** Element count, refused when it cannot be one Java array. */
    private static long numel(Path path, int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.min(n * d, Integer.MAX_VALUE); // both factors < 2^31: no overflow
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw bad(path, "shape " + Arrays.toString(shape) + " is too large for one Java array");
        }
        return n;
    }

    private static String group(Path path, Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw bad(path, "header has no valid '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    private static ByteBuffer read(Path path, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException(path + ": unexpected end of file");
            }
        }
        return b.flip();
    }

    private static IllegalArgumentException bad(Path path, String what) {
        return new IllegalArgumentException(path + ": " + what);
    }
}
