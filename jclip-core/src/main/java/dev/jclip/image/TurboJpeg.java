package dev.jclip.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jclip.image.JpegColorOutput.Transform;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Optional;

/**
 * JPEG decoding by libjpeg-turbo's TurboJPEG API (libturbojpeg.so.0, 2.x and later), the library
 * Pillow decodes with: {@code tjDecompressToYUV2} gives each component's samples at its own
 * resolution (entropy decoding, progressive refinement and the accurate integer IDCT, in its SIMD
 * code) one after the other, and {@link JpegColorOutput} upsamples and converts them as
 * {@link JpegDecoder} does its own. Only Huffman-coded 8-bit YCbCr and grayscale files with the
 * sampling factors TurboJPEG names are taken, and progressive ones only where no block smoothing
 * happens (libjpeg-turbo 2.x smooths some blocks otherwise than Pillow's 3.1): {@link #decode}
 * gives null for anything else and on any error or warning, and {@link JpegDecoder} then decodes
 * the file itself, so that a damaged file is refused as without this library.
 */
final class TurboJpeg {
    private static final int TJCS_YCBCR = 1;
    private static final int TJCS_GRAY = 2;
    private static final int TJSAMP_GRAY = 3;
    /** The MCU's size in pixels of each TJSAMP_ value: 444, 422, 420, GRAY, 440, 411, 441. */
    private static final int[] MCU_WIDTH = {8, 16, 16, 8, 8, 32, 8};
    private static final int[] MCU_HEIGHT = {8, 8, 16, 8, 16, 8, 32};
    /** TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING: Pillow's IDCT, and a warning is an error. */
    private static final int FLAGS = 4096 | 8192;

    private TurboJpeg() {
    }

    /** The library's functions, looked up on first use; null when it is absent. */
    private static final class Functions {
        static final MethodHandle INIT;
        static final MethodHandle HEADER;
        static final MethodHandle DECODE;
        static final MethodHandle DESTROY;

        static {
            Optional<SymbolLookup> lib = NativeCodecs.library("libturbojpeg.so.0");
            MemoryLayout size = Linker.nativeLinker().canonicalLayouts().get("long");
            INIT = NativeCodecs.function(lib, "tjInitDecompress", FunctionDescriptor.of(ADDRESS));
            HEADER = NativeCodecs.function(lib, "tjDecompressHeader3", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, ADDRESS, size, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            DECODE = NativeCodecs.function(lib, "tjDecompressToYUV2", FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, ADDRESS, size, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            DESTROY = NativeCodecs.function(lib, "tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        }
    }

    /** Whether libturbojpeg is installed and may be used now ({@link NativeCodecs#enabled}). */
    static boolean available() {
        return NativeCodecs.enabled() && Functions.DECODE != null;
    }

    /**
     * The image as {@link JpegDecoder#decode(byte[], String, long, RowPlanner)} gives it, or null
     * when TurboJPEG does not take the file, fails or warns, or it declares more than
     * {@code maxPixels} pixels. Only when {@link #available}.
     */
    static PixelImage decode(byte[] data, long maxPixels, RowPlanner planner) {
        if (!unsmoothedHuffman(data)) {
            return null;
        }
        // Native buffers rather than a critical call on the Java arrays: a decode takes up to a few hundred
        // milliseconds, and a critical call holds off the JVM's safepoints (garbage collection) all that time.
        try (NativeScratch scratch = NativeScratch.open()) {
            MemorySegment handle = (MemorySegment) Functions.INIT.invokeExact();
            if (handle.equals(MemorySegment.NULL)) {
                return null;
            }
            try {
                return decode(handle, scratch, data, maxPixels, planner);
            } finally {
                int ignored = (int) Functions.DESTROY.invokeExact(handle);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libturbojpeg failed", e);
        }
    }

    private static PixelImage decode(MemorySegment handle, NativeScratch scratch, byte[] data, long maxPixels,
                                     RowPlanner planner) throws Throwable {
        // The file, then (at an int's alignment) the four ints the header call answers.
        long headerAt = (data.length + 3L) & ~3L;
        MemorySegment input = scratch.take(0, headerAt + 4L * Integer.BYTES);
        MemorySegment jpeg = input.asSlice(0, data.length), h = input.asSlice(headerAt, 4L * Integer.BYTES);
        MemorySegment.copy(data, 0, jpeg, JAVA_BYTE, 0, data.length);
        int status = (int) Functions.HEADER.invokeExact(handle, jpeg, (long) data.length, h, h.asSlice(4), h.asSlice(8),
                h.asSlice(12));
        int width = h.getAtIndex(JAVA_INT, 0), height = h.getAtIndex(JAVA_INT, 1);
        int subsamp = h.getAtIndex(JAVA_INT, 2), colorspace = h.getAtIndex(JAVA_INT, 3);
        boolean gray = colorspace == TJCS_GRAY && subsamp == TJSAMP_GRAY;
        boolean ycc = colorspace == TJCS_YCBCR && subsamp >= 0 && subsamp < MCU_WIDTH.length && subsamp != TJSAMP_GRAY;
        if (status != 0 || !(gray || ycc) || width <= 0 || height <= 0 || (long) width * height > maxPixels) {
            return null;
        }
        // tjDecompressToYUV2's planes, one after the other in one array, rows unpadded (align 1): the
        // luma at the MCU's factors, padded to whole MCU columns and rows, the chroma at 1x1.
        int maxH = MCU_WIDTH[subsamp] / 8, maxV = MCU_HEIGHT[subsamp] / 8;
        long lumaWidth = ceilDiv(width, maxH) * (long) maxH, lumaHeight = ceilDiv(height, maxV) * (long) maxV;
        long chroma = gray ? 0 : ceilDiv(width, maxH) * (long) ceilDiv(height, maxV);
        long size = lumaWidth * lumaHeight + 2 * chroma;
        if (size > Integer.MAX_VALUE - 64) {
            return null;
        }
        MemorySegment decoded = scratch.take(1, size);
        status = (int) Functions.DECODE.invokeExact(handle, jpeg, (long) data.length, decoded, width, 1, height, FLAGS);
        if (status != 0) {
            return null;
        }
        byte[] planes = decoded.toArray(JAVA_BYTE);
        JpegComponent[] comps = new JpegComponent[gray ? 1 : 3];
        comps[0] = new JpegComponent(1, maxH, maxV, 0, width, height, maxH, maxV, planes, 0, (int) lumaWidth);
        for (int i = 1; i < comps.length; i++) {
            int base = (int) (lumaWidth * lumaHeight + (i - 1) * chroma);
            comps[i] = new JpegComponent(i + 1, 1, 1, 0, width, height, maxH, maxV, planes, base, ceilDiv(width, maxH));
        }
        Transform transform = gray ? Transform.GRAY : Transform.YCC;
        RowResampler resampler = planner == null ? null
                : planner.plan(width, height, gray ? PixelImage.Mode.L : PixelImage.Mode.RGB);
        return resampler != null ? JpegColorOutput.stream(comps, width, transform, resampler)
                : JpegColorOutput.render(comps, width, height, transform);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Whether {@code data}'s frame is Huffman-coded baseline, extended or progressive (SOF0, SOF1,
     * SOF2), and if progressive, its scans code zigzag coefficients 0 to 9 of every component to
     * full precision (Al 0 in the last scan of each), so that libjpeg-turbo's block smoothing,
     * which estimates those left out or coarse, does not apply. Reads the marker segments only,
     * stepping over the entropy-coded data between them; false for anything it cannot follow.
     */
    static boolean unsmoothedHuffman(byte[] data) {
        int pos = 2;
        int[] ids = null;
        int[][] bits = null;
        while (true) {
            while (pos < data.length && data[pos] != (byte) 0xFF) {
                pos++;
            }
            while (pos < data.length && data[pos] == (byte) 0xFF) {
                pos++;
            }
            if (pos + 2 >= data.length) {
                break;
            }
            int marker = data[pos++] & 0xFF;
            if (marker == 0 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // stuffed byte, TEM or a restart marker: no segment
            }
            if (marker == 0xD9) {
                break;
            }
            int len = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
            if (len < 2 || pos + len > data.length) {
                return false;
            }
            if (marker == 0xC0 || marker == 0xC1) {
                return true; // sequential: never smoothed
            }
            if (marker == 0xC2 && ids == null && len >= 8) {
                int n = data[pos + 7] & 0xFF;
                if (len != 8 + 3 * n) {
                    return false;
                }
                ids = new int[n];
                bits = new int[n][10];
                for (int i = 0; i < n; i++) {
                    ids[i] = data[pos + 8 + 3 * i] & 0xFF;
                    Arrays.fill(bits[i], -1);
                }
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xCC) {
                return false; // another frame type, or a second frame
            } else if (marker == 0xDA) {
                if (ids == null || !progressiveScan(data, pos, len, ids, bits)) {
                    return false;
                }
            }
            pos += len;
        }
        if (bits == null) {
            return false;
        }
        for (int[] b : bits) {
            for (int al : b) {
                if (al != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Records, per component, the Al of the progressive scan whose SOS segment is at {@code pos} for zigzag 0 to 9. */
    private static boolean progressiveScan(byte[] data, int pos, int len, int[] ids, int[][] bits) {
        int ns = len > 2 ? data[pos + 2] & 0xFF : 0;
        if (ns < 1 || len != 6 + 2 * ns) {
            return false;
        }
        int q = pos + 3 + 2 * ns;
        int ss = data[q] & 0xFF, se = data[q + 1] & 0xFF, al = data[q + 2] & 15;
        for (int i = 0; i < ns; i++) {
            int id = data[pos + 3 + 2 * i] & 0xFF, c = 0;
            while (c < ids.length && ids[c] != id) {
                c++;
            }
            if (c == ids.length) {
                return false;
            }
            for (int k = ss; k <= Math.min(se, 9); k++) {
                bits[c][k] = al;
            }
        }
        return true;
    }
}
