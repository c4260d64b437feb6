package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A decoder for the PNG files photos come as: non-interlaced, 8 bits or fewer per sample (gray,
 * gray and alpha, RGB, RGBA, palette), giving the modes and samples Pillow 12 gives (the same
 * as {@link ImageIoPixels} maps ImageIO's decoding to); {@link #reads} tells which files it
 * takes, ImageIO reads the rest. The image data is inflated by the JDK's zlib (as Pillow's is by
 * zlib) one row at a time and unfiltered in place, so a resize can take each row as it is made
 * and no full-size image is kept. Where libdeflate is installed ({@link Libdeflate}) the whole
 * stream is inflated by it at once instead (the same bytes, in half the time); on any error
 * there, the JDK's zlib decodes the file again, so that a damaged file is refused as without it.
 *
 * <p>Chunks are read as Pillow reads them: the CRC of every chunk before the image data is
 * checked ({@link PngChunks#checkHeaderCrcs}), the image data's are not; the image data ends at
 * the first chunk after it that is not IDAT, and nothing after the last row is read (a missing
 * IEND is no error). A file whose image data ends before the last row, a corrupt zlib stream and
 * an unknown filter type are refused with a {@link BadImageException} naming the file and row.
 */
final class PngDecoder {
    private static final int IHDR = 0x49484452;
    private static final int PLTE = 0x504C5445;
    private static final int IDAT = 0x49444154;

    private final byte[] png;
    private final String name;
    private final Inflater inflater = new Inflater();
    private final byte[] filter = new byte[1];
    /** The start of the IDAT chunk being inflated. */
    private int chunk;
    /** All the image data, inflated by libdeflate into native memory of {@link #scratch}; null on the Inflater path. */
    private MemorySegment inflated;
    /** The native memory of the libdeflate path, freed when the decode ends; null until it is taken. */
    private NativeScratch scratch;
    /** Where the next row starts in {@link #inflated}. */
    private long inflatedAt;

    private PngDecoder(byte[] png, String name) {
        this.png = png;
        this.name = name;
    }

    /**
     * Whether this decoder reads {@code png}: a well-formed IHDR chunk first, declaring a
     * non-interlaced image with 8 bits or fewer per sample.
     */
    static boolean reads(byte[] png) {
        if (png.length < 33 || u32(png, 8) != 13 || u32(png, 12) != IHDR || u32(png, 16) < 0 || u32(png, 20) < 0
                || png[26] != 0 || png[27] != 0 || png[28] != 0) {
            return false;
        }
        int depth = png[24];
        return switch (png[25]) {
            case 0, 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8;
            default -> false;
        };
    }

    /**
     * Decodes a PNG that {@link #reads} accepts; {@code name} identifies it in errors. An image
     * declaring more than {@code maxPixels} pixels is refused before anything is allocated for it.
     * With a {@code planner} (null for none), an 8-bit gray or RGB image goes row by row into the
     * resampler the planner gives, and the kept window is returned.
     */
    static PixelImage decode(byte[] png, String name, long maxPixels, RowPlanner planner) throws BadImageException {
        PngDecoder decoder = new PngDecoder(png, name);
        try {
            return decoder.run(maxPixels, planner);
        } catch (ArithmeticException e) {
            // Only with a pixel limit above the default: the samples would not fit in one array.
            throw decoder.broken("the image is too large to hold in memory (" + e.getMessage() + ")");
        } finally {
            decoder.inflater.end();
            if (decoder.scratch != null) {
                decoder.scratch.close();
            }
        }
    }

    private BadImageException broken(String what) {
        return new BadImageException(name, "cannot decode PNG image: " + what);
    }

    private PixelImage run(long maxPixels, RowPlanner planner) throws BadImageException {
        PngChunks.checkHeaderCrcs(png, name);
        int width = u32(png, 16), height = u32(png, 20), depth = png[24], colorType = png[25];
        ImageDecoder.checkSize(width, height, maxPixels, name);
        int[] palette = null;
        chunk = 33;
        while (true) {
            if (chunk + 8 > png.length) {
                throw broken("the file ends before the image data (truncated file)");
            }
            int type = u32(png, chunk + 4);
            if (type == IDAT) {
                break;
            }
            long length = Integer.toUnsignedLong(u32(png, chunk));
            if (length > png.length - chunk - 12L) {
                throw broken("the file ends inside its " + chunkName(chunk) + " chunk (truncated file)");
            }
            if (type == PLTE && colorType == 3) {
                palette = palette((int) length, depth);
            }
            chunk += 12 + (int) length;
        }
        if (colorType == 3 && palette == null) {
            throw broken("palette image without a PLTE chunk before its image data");
        }
        inflater.setInput(png, chunk + 8, idatLength(chunk));
        Mode mode = switch (colorType) {
            case 0 -> depth == 1 ? Mode.ONE : Mode.L;
            case 2 -> Mode.RGB;
            case 3 -> Mode.P;
            case 4 -> Mode.LA;
            default -> Mode.RGBA;
        };
        int channels = switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
        int bpp = Math.max(1, depth * channels / 8);
        int rowBytes = Math.toIntExact(((long) width * depth * channels + 7) / 8);
        if (Libdeflate.available()) {
            inflateAll(height * (1L + rowBytes));
        }
        RowResampler resampler = planner != null && depth == 8 && (mode == Mode.L || mode == Mode.RGB)
                ? planner.plan(width, height, mode) : null;
        if (resampler != null) {
            byte[] prev = new byte[rowBytes], cur = new byte[rowBytes];
            for (int y = 0; y < height; y++) {
                row(cur, 0, prev, 0, rowBytes, bpp, y, height);
                if (y >= resampler.rowLo() && y < resampler.rowHi()) {
                    resampler.acceptInterleaved(y, cur, 0);
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            return PixelImage.of(mode, resampler.keepWidth(), resampler.keepHeight(), resampler.finish());
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), mode.bands)];
        if (depth == 8) {
            // Each row is inflated into its place in the image and unfiltered against the one above.
            byte[] zero = new byte[rowBytes];
            for (int y = 0; y < height; y++) {
                row(out, y * rowBytes, y == 0 ? zero : out, y == 0 ? 0 : (y - 1) * rowBytes, rowBytes, bpp, y, height);
            }
        } else {
            byte[] prev = new byte[rowBytes], cur = new byte[rowBytes];
            // Pillow's L;2 and L;4 unpackers scale gray to 0..255; palette indices stay as they are.
            int scale = colorType == 3 ? 1 : 255 / ((1 << depth) - 1), mask = (1 << depth) - 1;
            for (int y = 0; y < height; y++) {
                row(cur, 0, prev, 0, rowBytes, bpp, y, height);
                for (int x = 0, o = y * width; x < width; x++) {
                    int bit = x * depth;
                    int v = (cur[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
                    out[o + x] = (byte) (v * scale);
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        }
        return mode == Mode.P ? PixelImage.ofPalette(width, height, out, palette) : PixelImage.of(mode, width, height, out);
    }

    /**
     * The PLTE entries as ImageIO gives them (0xRRGGBB): at most 2^depth, and extended to
     * 2^depth with black.
     */
    private int[] palette(int length, int depth) throws BadImageException {
        if (length % 3 != 0 || length == 0) {
            throw broken("PLTE chunk of " + length + " bytes (not a positive multiple of 3)");
        }
        int size = 1 << depth, n = Math.min(length / 3, size), p = chunk + 8;
        int[] rgb = new int[size];
        for (int i = 0; i < n; i++) {
            int e = p + 3 * i;
            rgb[i] = (png[e] & 0xFF) << 16 | (png[e + 1] & 0xFF) << 8 | png[e + 2] & 0xFF;
        }
        return rgb;
    }

    /** Inflates row {@code y} into {@code cur[at ..]} and unfilters it against {@code prev[prevAt ..]}. */
    private void row(byte[] cur, int at, byte[] prev, int prevAt, int n, int bpp, int y, int height)
            throws BadImageException {
        inflate(filter, 0, 1, y, height);
        inflate(cur, at, n, y, height);
        switch (filter[0]) {
            case 0 -> { }
            case 1 -> PngFilters.sub(cur, at, n, bpp);
            case 2 -> PngFilters.up(cur, at, prev, prevAt, n);
            case 3 -> PngFilters.average(cur, at, prev, prevAt, n, bpp);
            case 4 -> PngFilters.paeth(cur, at, prev, prevAt, n, bpp);
            default -> throw broken("unknown filter type " + (filter[0] & 0xFF) + " in row " + y + " of " + height);
        }
    }

    /**
     * Inflates the image data, {@code size} bytes, with libdeflate into {@link #inflated}, which
     * stays null when libdeflate fails: then the Inflater decodes it and reports what is wrong.
     */
    private void inflateAll(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            return;
        }
        long total = 0;
        for (int c = chunk; c >= 0; c = nextIdat(c)) {
            total += idatLength(c);
        }
        // Native buffers rather than a critical call on the Java arrays: inflating a photo takes tens of
        // milliseconds, and a critical call holds off the JVM's safepoints (garbage collection) all that time.
        // The rows are copied out of the inflated buffer as they are unfiltered, until the decode ends.
        scratch = NativeScratch.open();
        MemorySegment in = scratch.take(0, total), out = scratch.take(1, size);
        long at = 0;
        for (int c = chunk; c >= 0; c = nextIdat(c)) {
            MemorySegment.copy(png, c + 8, in, ValueLayout.JAVA_BYTE, at, idatLength(c));
            at += idatLength(c);
        }
        if (Libdeflate.zlibDecompress(in, out)) {
            inflated = out;
        }
    }

    /** Fills {@code buf[off .. off+len-1]} with image data, moving on to the next IDAT chunk as each runs out. */
    private void inflate(byte[] buf, int off, int len, int y, int height) throws BadImageException {
        if (inflated != null) {
            MemorySegment.copy(inflated, ValueLayout.JAVA_BYTE, inflatedAt, buf, off, len);
            inflatedAt += len;
            return;
        }
        try {
            while (len > 0) {
                int n = inflater.inflate(buf, off, len);
                off += n;
                len -= n;
                if (n == 0) {
                    if (inflater.finished() || inflater.needsDictionary()) {
                        throw broken("the image data ends in row " + y + " of " + height);
                    }
                    if (inflater.needsInput() && !nextIdat()) {
                        throw broken("the file ends in row " + y + " of " + height + " (truncated file)");
                    }
                }
            }
        } catch (DataFormatException e) {
            throw broken("corrupt image data in row " + y + " of " + height + " (" + e.getMessage() + ")");
        }
    }

    /** Moves the inflater's input on to the next chunk when it is IDAT; false when the image data has ended. */
    private boolean nextIdat() {
        int next = nextIdat(chunk);
        if (next < 0) {
            return false;
        }
        chunk = next;
        inflater.setInput(png, chunk + 8, idatLength(chunk));
        return true;
    }

    /** The start of the chunk after the one at {@code at} when it is IDAT; -1 when the image data has ended. */
    private int nextIdat(int at) {
        long next = at + 12L + Integer.toUnsignedLong(u32(png, at));
        return next + 8 > png.length || u32(png, (int) next + 4) != IDAT ? -1 : (int) next;
    }

    /** The bytes of the data of the IDAT chunk at {@code at} that the file holds (all of them unless it is truncated). */
    private int idatLength(int at) {
        return (int) Math.min(Integer.toUnsignedLong(u32(png, at)), png.length - at - 8L);
    }

    private String chunkName(int at) {
        return new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
