package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresNativeLibrary;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PNG image data inflated by libdeflate gives the bytes the JDK's zlib gives: every PNG test
 * resource and generated kind decodes to the same image (whole and resized while decoding) with
 * the native library on and off (whatever an earlier image left in the native buffers), and damaged image data is refused with the same message.
 */
@RequiresNativeLibrary("libdeflate.so.0")
class LibdeflateTest {
    private static final ImagePreprocessor CLIP = ImagePreprocessor.clip(224);

    @Test
    void usedWhereInstalled() {
        assertTrue(Libdeflate.available(), "the tests run with native access for dev.jclip.core");
    }

    @Test
    void inflatesExactlyTheSizeAsked() {
        byte[] raw = new byte[100_000];
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 7 == 0 ? rng.nextInt(256) : i / 300);
        }
        byte[] zlib = PngBytes.deflate(raw);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(zlib.length);
            MemorySegment.copy(zlib, 0, in, ValueLayout.JAVA_BYTE, 0, zlib.length);
            MemorySegment out = arena.allocate(raw.length + 1);
            assertTrue(Libdeflate.zlibDecompress(in, out.asSlice(0, raw.length)));
            assertArrayEquals(raw, out.asSlice(0, raw.length).toArray(ValueLayout.JAVA_BYTE));
            assertFalse(Libdeflate.zlibDecompress(in, out.asSlice(0, raw.length - 1)), "output too short");
            assertFalse(Libdeflate.zlibDecompress(in, out), "output too long");
            in.set(ValueLayout.JAVA_BYTE, zlib.length - 1, (byte) (zlib[zlib.length - 1] ^ 1));
            assertFalse(Libdeflate.zlibDecompress(in, out.asSlice(0, raw.length)), "wrong Adler-32");
        }
    }

    @TestFactory
    List<DynamicTest> everyPngDecodesAsWithZlib() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : NativePaths.resources("/parity/formats/", "cases.tsv", ".png")) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                byte[] png = Files.readAllBytes(file);
                assertSameOnBothPaths(png, file.getFileName().toString());
            }));
        }
        assertTrue(tests.size() >= 30, "PNG resources found: " + tests.size());
        int[][] kinds = {{0, 1}, {0, 4}, {0, 8}, {2, 8}, {3, 2}, {3, 8}, {4, 8}, {6, 8}};
        for (int[] kind : kinds) {
            tests.add(DynamicTest.dynamicTest("generated " + kind[0] + "/" + kind[1], () -> {
                byte[] png = png(301, 233, kind[0], kind[1], 1000, 11);
                assertSameOnBothPaths(png, "g.png");
            }));
        }
        return tests;
    }

    private static void assertSameOnBothPaths(byte[] png, String name) {
        Object java = NativePaths.pureJava(() -> new ImageDecoder().decode(png, name));
        NativePaths.poisonKeptBuffers();
        assertEquals(java, NativePaths.outcome(() -> new ImageDecoder().decode(png, name)), name);
        if (java instanceof PixelImage) {
            float[] resized = ((Tensor) NativePaths.pureJava(() -> CLIP.preprocess(png, name))).data();
            NativePaths.poisonKeptBuffers();
            Object nativeResized = NativePaths.outcome(() -> CLIP.preprocess(png, name));
            assertArrayEquals(resized, assertInstanceOf(Tensor.class, nativeResized).data(), name + " resized");
        }
    }

    /** A PNG of smooth samples with some noise, all filter types, image data in chunks of {@code idatSize}. */
    private static byte[] png(int w, int h, int colorType, int depth, int idatSize, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int channels = switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
        int rowBytes = (w * depth * channels + 7) / 8, bpp = Math.max(1, depth * channels / 8);
        byte[] raw = new byte[rowBytes * h];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 5 == 0 ? rng.nextInt(256) : 40 + (i / rowBytes) + (i % rowBytes) / 3);
        }
        PngBytes.Writer writer = new PngBytes.Writer().header(w, h, depth, colorType, 0);
        if (colorType == 3) {
            byte[] plte = new byte[3 << depth];
            for (int i = 0; i < plte.length; i++) {
                plte[i] = (byte) rng.nextInt(256);
            }
            writer.chunk("PLTE", plte);
        }
        return writer.imageData(PngBytes.filteredData(raw, rowBytes, bpp, 0, 1, 2, 3, 4), idatSize).end().bytes();
    }

    /** Damaged image data: libdeflate fails, the JDK's zlib decodes the file again and reports the row as before. */
    @Test
    void damagedImageDataIsRefusedAsWithZlib() throws IOException {
        byte[] png = png(64, 48, 2, 8, 500, 3);
        int data = chunkAt(png, "IDAT") + 8;
        byte[] corrupt = png.clone();
        corrupt[data + 2] = (byte) 0xFF; // the first deflate block header: a reserved block type
        corrupt[data + 3] = (byte) 0xFF;
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        byte[] shortData = new PngBytes.Writer().header(8, 6, 8, 2, 0).imageData(PngBytes.deflate(new byte[4 * 25]), 1000)
                .end().bytes();
        String[][] cases = {
            {"z.png", "z.png: cannot decode PNG image: corrupt image data in row 0 of 48 ("},
            {"cut.png", "cut.png: cannot decode PNG image: the file ends in row "},
            {"short.png", "short.png: cannot decode PNG image: the image data ends in row 4 of 6"},
        };
        byte[][] files = {corrupt, cut, shortData};
        for (int i = 0; i < files.length; i++) {
            byte[] file = files[i];
            String name = cases[i][0];
            Object expected = NativePaths.pureJava(() -> new ImageDecoder().decode(file, name));
            Object actual = NativePaths.outcome(() -> new ImageDecoder().decode(file, name));
            assertInstanceOf(String.class, actual, name);
            assertTrue(((String) actual).startsWith(cases[i][1]), (String) actual);
            assertEquals(expected, actual, name);
        }
    }

    private static int chunkAt(byte[] png, String type) {
        for (int at = 8; ; ) {
            if (new String(png, at + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                return at;
            }
            at += 12 + ((png[at] & 0xFF) << 24 | (png[at + 1] & 0xFF) << 16 | (png[at + 2] & 0xFF) << 8 | png[at + 3] & 0xFF);
        }
    }
}
