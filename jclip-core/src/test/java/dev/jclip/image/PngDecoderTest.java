package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PngDecoder} gives exactly the image of the ImageIO path it replaces (which
 * {@link FormatParityTest} checks against Pillow): every color type and bit depth it reads, each
 * filter type, image data split over many IDAT chunks, short palettes and tRNS chunks; resizing
 * while decoding gives the pixels of resizing the whole image; damaged files are refused naming
 * the file and the row.
 */
class PngDecoderTest {
    /** {color type, bit depth} of every kind the decoder reads. */
    private static final int[][] KINDS = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {2, 8}, {3, 1}, {3, 2}, {3, 4}, {3, 8},
            {4, 8}, {6, 8}};
    private static final int[][] FILTERS = {{0}, {1}, {2}, {3}, {4}, {4, 3, 2, 1, 0}};

    private static int channels(int colorType) {
        return switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
    }

    /** A PNG of random samples (smooth where {@code smooth}, so that the filters matter). */
    private static byte[] png(int w, int h, int colorType, int depth, int[] filters, int paletteEntries, boolean trns,
                              int idatSize, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rowBytes = (w * depth * channels(colorType) + 7) / 8, bpp = Math.max(1, depth * channels(colorType) / 8);
        byte[] raw = new byte[rowBytes * h];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 5 == 0 ? rng.nextInt(256) : 40 + (i / rowBytes) + (i % rowBytes) / 3);
        }
        PngBytes.Writer writer = new PngBytes.Writer().header(w, h, depth, colorType, 0);
        writer.chunk("tEXt", "Comment\0made for a test".getBytes(StandardCharsets.ISO_8859_1));
        if (colorType == 3) {
            byte[] plte = new byte[3 * paletteEntries];
            for (int i = 0; i < plte.length; i++) {
                plte[i] = (byte) rng.nextInt(256);
            }
            writer.chunk("PLTE", plte);
        }
        if (trns) {
            writer.chunk("tRNS", switch (colorType) {
                case 0 -> new byte[] {0, 7};
                case 2 -> new byte[] {0, 7, 0, 8, 0, 9};
                default -> new byte[] {0, 50, (byte) 255};
            });
        }
        return writer.imageData(PngBytes.filteredData(raw, rowBytes, bpp, filters), idatSize).end().bytes();
    }

    private static PixelImage imageIo(byte[] png, String name) throws BadImageException {
        return new ImageDecoder().readWithImageIo(png, name, ImageFormat.PNG);
    }

    private static void assertSameImage(PixelImage expected, PixelImage actual, String what) {
        assertEquals(expected.mode(), actual.mode(), what + ": mode");
        assertEquals(expected.width() + "x" + expected.height(), actual.width() + "x" + actual.height(), what);
        assertArrayEquals(expected.samples(), actual.samples(), what + ": samples");
        assertArrayEquals(expected.palette(), actual.palette(), what + ": palette");
    }

    @TestFactory
    Stream<DynamicTest> decodesAsImageIoDoes() {
        List<DynamicTest> tests = new ArrayList<>();
        int[][] sizes = {{1, 1}, {37, 23}, {5, 64}, {130, 3}};
        for (int[] kind : KINDS) {
            int colorType = kind[0], depth = kind[1];
            String label = "color type " + colorType + ", " + depth + " bits";
            tests.add(DynamicTest.dynamicTest(label, () -> {
                long seed = 0;
                for (int[] size : sizes) {
                    for (int[] filters : FILTERS) {
                        for (boolean trns : new boolean[] {false, true}) {
                            int full = 1 << depth, entries = colorType == 3 ? (trns ? full : Math.max(1, full / 2 - 1)) : 0;
                            String what = label + ", " + size[0] + "x" + size[1] + ", filters " + Arrays.toString(filters)
                                    + (trns ? ", tRNS" : "") + (colorType == 3 ? ", " + entries + " palette entries" : "");
                            byte[] png = png(size[0], size[1], colorType, depth, filters, entries, trns && colorType != 4
                                    && colorType != 6, 1 + (int) (seed % 40), seed++);
                            assertTrue(PngDecoder.reads(png), what);
                            assertSameImage(imageIo(png, what), PngDecoder.decode(png, what, Long.MAX_VALUE, null), what);
                            assertSameImage(imageIo(png, what), new ImageDecoder().decode(png, what), what);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** 16-bit samples and interlaced files are left to ImageIO. */
    @Test
    void leavesSixteenBitsAndInterlacingToImageIo() {
        byte[] sixteen = new PngBytes.Writer().header(4, 4, 16, 2, 0).bytes();
        byte[] interlaced = new PngBytes.Writer().header(4, 4, 8, 2, 1).bytes();
        assertFalse(PngDecoder.reads(sixteen));
        assertFalse(PngDecoder.reads(interlaced));
        assertTrue(PngDecoder.reads(new PngBytes.Writer().header(4, 4, 8, 2, 0).bytes()));
    }

    /** A photo-like RGB or gray PNG, written with every filter type. */
    private static byte[] photo(int w, int h, boolean gray) {
        int bands = gray ? 1 : 3;
        SplittableRandom rng = new SplittableRandom(w * 31L + h);
        byte[] raw = new byte[w * h * bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < bands; c++) {
                    double v = 128 + 90 * Math.sin(x / (23.0 + 7 * c)) * Math.cos(y / (31.0 - 5 * c));
                    raw[(y * w + x) * bands + c] = (byte) Math.clamp((int) v + rng.nextInt(-25, 26), 0, 255);
                }
            }
        }
        return new PngBytes.Writer().header(w, h, 8, gray ? 0 : 2, 0)
                .imageData(PngBytes.filteredData(raw, w * bands, bands, 4, 1, 2, 3, 0, 4, 4), 8192).end().bytes();
    }

    @TestFactory
    Stream<DynamicTest> resizedWhileDecodedAsWhole() {
        int[][] sizes = {{1203, 805}, {805, 1203}, {2001, 301}, {233, 1999}, {224, 224}, {100, 60}};
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] s : sizes) {
            for (boolean gray : new boolean[] {false, true}) {
                String name = s[0] + "x" + s[1] + (gray ? " gray" : " RGB");
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    byte[] png = photo(s[0], s[1], gray);
                    PixelImage whole = imageIo(png, name);
                    List<PreprocessConfig> configs = new ArrayList<>();
                    for (int size : new int[] {224, 97, 64}) {
                        configs.add(PreprocessConfig.openAi(size));
                    }
                    configs.add(PreprocessConfig.fromOpenClip(Map.of("resize_mode", "longest", "interpolation", "bilinear",
                            "fill_color", 17L), new PreprocessConfig.Size(24, 24)));
                    configs.add(PreprocessConfig.fromOpenClip(Map.of("resize_mode", "squash"),
                            new PreprocessConfig.Size(20, 30)));
                    for (PreprocessConfig config : configs) {
                        ImagePreprocessor pre = ImagePreprocessor.of(config);
                        assertSameImage(pre.resizeAndCrop(whole), pre.resizeAndCrop(png, name), name + " at " + config);
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static String refusal(byte[] png, String name) {
        return assertThrows(BadImageException.class, () -> new ImageDecoder().decode(png, name)).getMessage();
    }

    private static String refusalWhileResizing(byte[] png, String name) {
        return assertThrows(BadImageException.class, () -> ImagePreprocessor.clip(16).preprocess(png, name)).getMessage();
    }

    /** The offset of the first chunk of {@code type}. */
    private static int chunkAt(byte[] png, String type) {
        for (int at = 8; ; ) {
            if (new String(png, at + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
                return at;
            }
            at += 12 + ((png[at] & 0xFF) << 24 | (png[at + 1] & 0xFF) << 16 | (png[at + 2] & 0xFF) << 8 | png[at + 3] & 0xFF);
        }
    }

    @Test
    void truncatedFileIsRefusedNamingTheRow() {
        byte[] png = photo(64, 48, false);
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        String message = refusal(cut, "cut.png");
        assertTrue(message.startsWith("cut.png: cannot decode PNG image: the file ends in row "), message);
        assertTrue(message.endsWith(" of 48 (truncated file)"), message);
        assertEquals(message, refusalWhileResizing(cut, "cut.png"));
        String beforeData = refusal(Arrays.copyOf(png, chunkAt(png, "IDAT") + 4), "head.png");
        assertEquals("head.png: cannot decode PNG image: the file ends before the image data (truncated file)",
                beforeData);
    }

    @Test
    void unknownFilterTypeIsRefusedNamingTheRow() {
        byte[] raw = new byte[8 * 6 * 3];
        byte[] data = new byte[6 * (8 * 3 + 1)];
        data[3 * (8 * 3 + 1)] = 5;
        byte[] png = new PngBytes.Writer().header(8, 6, 8, 2, 0).imageData(PngBytes.deflate(data), 1000).end().bytes();
        assertEquals(raw.length + 6, data.length);
        assertEquals("f.png: cannot decode PNG image: unknown filter type 5 in row 3 of 6", refusal(png, "f.png"));
        assertEquals("f.png: cannot decode PNG image: unknown filter type 5 in row 3 of 6",
                refusalWhileResizing(png, "f.png"));
    }

    @Test
    void imageDataEndingEarlyIsRefused() {
        byte[] rows = new byte[4 * (8 * 3 + 1)]; // four of six rows
        byte[] png = new PngBytes.Writer().header(8, 6, 8, 2, 0).imageData(PngBytes.deflate(rows), 1000).end().bytes();
        assertEquals("short.png: cannot decode PNG image: the image data ends in row 4 of 6", refusal(png, "short.png"));
    }

    @Test
    void corruptImageDataIsRefused() {
        byte[] png = photo(64, 48, true);
        int data = chunkAt(png, "IDAT") + 8;
        png[data + 2] = (byte) 0xFF; // the first deflate block header: a reserved block type
        png[data + 3] = (byte) 0xFF;
        String message = refusal(png, "z.png");
        assertTrue(message.startsWith("z.png: cannot decode PNG image: corrupt image data in row 0 of 48 ("), message);
    }

    /** As in Pillow, the image data's CRCs are not checked, those of the chunks before it are. */
    @Test
    void checksumsAreCheckedBeforeTheImageDataOnly() throws BadImageException {
        byte[] png = photo(40, 30, false);
        PixelImage expected = imageIo(png, "ok.png");
        byte[] badIdat = png.clone();
        int idat = chunkAt(badIdat, "IDAT");
        int length = (badIdat[idat + 2] & 0xFF) << 8 | badIdat[idat + 3] & 0xFF;
        badIdat[idat + 8 + length] ^= 1;
        assertSameImage(expected, new ImageDecoder().decode(badIdat, "idat.png"), "wrong IDAT checksum");
        byte[] badHeader = png.clone();
        badHeader[8 + 8 + 13] ^= 1;
        assertEquals("hdr.png: broken PNG file: wrong checksum in its IHDR chunk", refusal(badHeader, "hdr.png"));
    }

    /** Pillow stops once the image is complete: a file without IEND, or with junk after the image data, opens. */
    @Test
    void nothingAfterTheImageDataIsRead() throws BadImageException {
        byte[] png = photo(40, 30, false);
        PixelImage expected = imageIo(png, "ok.png");
        byte[] noEnd = Arrays.copyOf(png, png.length - 12);
        assertSameImage(expected, new ImageDecoder().decode(noEnd, "noend.png"), "without IEND");
        byte[] junk = Arrays.copyOf(noEnd, noEnd.length + 5);
        assertSameImage(expected, new ImageDecoder().decode(junk, "junk.png"), "junk after the image data");
    }

    @Test
    void paletteImageWithoutPaletteIsRefused() {
        byte[] png = new PngBytes.Writer().header(4, 4, 8, 3, 0).imageData(PngBytes.deflate(new byte[4 * 5]), 100).end()
                .bytes();
        assertEquals("p.png: cannot decode PNG image: palette image without a PLTE chunk before its image data",
                refusal(png, "p.png"));
    }

    @Test
    void declaredSizeIsCheckedFirst() {
        byte[] png = new PngBytes.Writer().header(1000, 1000, 8, 2, 0).end().bytes();
        BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder(999_999).decode(png, "b.png"));
        assertEquals("b.png: image declares 1000x1000 = 1000000 pixels, more than the limit of 999999 "
                + "(possible decompression bomb)", e.getMessage());
    }
}
