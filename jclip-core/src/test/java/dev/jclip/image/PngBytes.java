package dev.jclip.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG files written byte by byte for the decoder tests, so that each filter type, chunk layout
 * and kind of damage can be chosen: raw rows (without filter bytes) are filtered with the types
 * given, cycling row by row, deflated, and split into IDAT chunks of a given size.
 */
final class PngBytes {
    private PngBytes() {}

    /** The chunks of a file, written in order. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer() {
            out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        }

        Writer chunk(String type, byte[] data) {
            byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes(u32(data.length));
            out.writeBytes(t);
            out.writeBytes(data);
            CRC32 crc = new CRC32();
            crc.update(t);
            crc.update(data);
            out.writeBytes(u32((int) crc.getValue()));
            return this;
        }

        Writer header(int width, int height, int depth, int colorType, int interlace) {
            byte[] d = Arrays.copyOf(u32(width), 13);
            System.arraycopy(u32(height), 0, d, 4, 4);
            d[8] = (byte) depth;
            d[9] = (byte) colorType;
            d[12] = (byte) interlace;
            return chunk("IHDR", d);
        }

        /** {@code zlib} split into IDAT chunks of at most {@code size} bytes. */
        Writer imageData(byte[] zlib, int size) {
            for (int i = 0; i < zlib.length; i += size) {
                chunk("IDAT", Arrays.copyOfRange(zlib, i, Math.min(zlib.length, i + size)));
            }
            return this;
        }

        Writer end() {
            return chunk("IEND", new byte[0]);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * The zlib stream of {@code raw} (rows of {@code rowBytes} bytes) filtered with
     * {@code filters[y % filters.length]} for row y; {@code bpp} is the filters' byte distance.
     */
    static byte[] filteredData(byte[] raw, int rowBytes, int bpp, int... filters) {
        int rows = raw.length / rowBytes;
        byte[] data = new byte[rows * (rowBytes + 1)];
        for (int y = 0; y < rows; y++) {
            int f = filters[y % filters.length], o = y * (rowBytes + 1);
            data[o] = (byte) f;
            for (int i = 0; i < rowBytes; i++) {
                int x = raw[y * rowBytes + i] & 0xFF;
                int a = i >= bpp ? raw[y * rowBytes + i - bpp] & 0xFF : 0;
                int b = y > 0 ? raw[(y - 1) * rowBytes + i] & 0xFF : 0;
                int c = y > 0 && i >= bpp ? raw[(y - 1) * rowBytes + i - bpp] & 0xFF : 0;
                int pred = switch (f) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    default -> paeth(a, b, c);
                };
                data[o + 1 + i] = (byte) (x - pred);
            }
        }
        return deflate(data);
    }

    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
