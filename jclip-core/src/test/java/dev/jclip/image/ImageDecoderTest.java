package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.image.PixelImage.Mode;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path dir;

    private final ImageDecoder decoder = new ImageDecoder();

    // ---------------------------------------------------------------- modes as Pillow sees the file

    @Test
    void grayPngIsL() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 10, 20, 30, 40, 255});
        PixelImage p = decoder.decode(encode(img, "png"), "gray.png");
        assertEquals(Mode.L, p.mode());
        assertArrayEquals(new byte[] {0, 10, 20, 30, 40, (byte) 255}, p.samples());
    }

    /** Pillow 12 opens 16-bit gray PNG as I;16 (Pillow 9.4: I), still with the full range. */
    @Test
    void sixteenBitGrayPngIsModeI16() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {7, 60000});
        PixelImage p = decoder.decode(encode(img, "png"), "gray16.png");
        assertEquals(Mode.I16, p.mode());
        assertArrayEquals(new int[] {7, 60000}, p.ints());
    }

    @Test
    void rgbaPngIsRgbaWithStraightAlpha() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {200, 100, 50, 128, 1, 2, 3, 0});
        PixelImage p = decoder.decode(encode(img, "png"), "rgba.png");
        assertEquals(Mode.RGBA, p.mode());
        assertArrayEquals(new byte[] {(byte) 200, 100, 50, (byte) 128, 1, 2, 3, 0}, p.samples());
    }

    /** A palette PNG and a GIF are P, with the palette kept for the conversion after resizing. */
    @Test
    void palettePngAndGifAreP() throws IOException {
        byte[] indices = new byte[18];
        byte[] rgb = new byte[54];
        byte[][] colors = {{(byte) 255, 0, 0}, {0, (byte) 255, 0}, {0, 0, (byte) 255}, {10, 20, 30}};
        for (int i = 0; i < 18; i++) {
            indices[i] = PALETTE_ROWS[i % 6];
            System.arraycopy(colors[PALETTE_ROWS[i % 6]], 0, rgb, 3 * i, 3);
        }
        for (String format : new String[] {"png", "gif"}) {
            PixelImage p = decoder.decode(encode(paletted(), format), "pal." + format);
            assertEquals(Mode.P, p.mode(), format);
            assertArrayEquals(indices, p.samples(), format);
            assertArrayEquals(rgb, p.toRgb(), format);
        }
    }

    @Test
    void jpegIsRgbOrL() throws IOException {
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        assertEquals(Mode.RGB, decoder.decode(encode(rgb, "jpeg"), "rgb.jpg").mode());
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        assertEquals(Mode.L, decoder.decode(encode(gray, "jpeg"), "gray.jpg").mode());
    }

    /** BMP: 24-bit is RGB (raster bands are R, G, B, whatever the byte order); black/white is Pillow's "1". */
    @Test
    void bmpModes() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.getRaster().setPixels(0, 0, 2, 1, new int[] {1, 2, 3, 250, 251, 252});
        PixelImage p = decoder.decode(encode(rgb, "bmp"), "rgb.bmp");
        assertEquals(Mode.RGB, p.mode());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 250, (byte) 251, (byte) 252}, p.samples());

        BufferedImage bw = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        bw.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 0, 1});
        PixelImage one = decoder.decode(encode(bw, "bmp"), "bw.bmp");
        assertEquals(Mode.ONE, one.mode());
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 255}, one.samples());
    }

    @Test
    void decodesFromPath() throws IOException {
        Path file = dir.resolve("img.png");
        java.nio.file.Files.write(file, encode(paletted(), "png"));
        assertEquals(Mode.P, decoder.decode(file).mode());
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void notAnImage() {
        // The message names the file and never shows its bytes, in text or in hexadecimal.
        byte[] text = "password=hunter2".getBytes(StandardCharsets.US_ASCII);
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(text, "notes.txt"));
        assertEquals("notes.txt: not a PNG, JPEG, GIF, BMP, TIFF or WebP image (its first bytes are none of their signatures)",
                e.getMessage());
        BadImageException empty = assertThrows(BadImageException.class, () -> decoder.decode(new byte[0], "e.png"));
        assertEquals("e.png: file is empty", empty.getMessage());
    }

    @Test
    void webpNeedsNoPlugin() throws BadImageException {
        // A 2x2 lossless WebP from Pillow 9.4: RGB, [(255, 0, 0), (0, 255, 0), (0, 0, 255), (12, 34, 56)].
        byte[] webp = {82, 73, 70, 70, 50, 0, 0, 0, 87, 69, 66, 80, 86, 80, 56, 76, 38, 0, 0, 0, 47, 1, 64, 0, 0, 31,
            32, 16, 32, 88, -15, -1, 104, 67, 32, -112, 36, -80, 63, -18, 2, 1, -126, 43, -1, 99, -26, 63, -16, -55,
            81, -63, 13, 24, 34, -6, 31, 2};
        PixelImage image = decoder.decode(webp, "cat.webp");
        assertEquals(PixelImage.Mode.RGB, image.mode());
        assertArrayEquals(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 12, 34, 56}, image.samples());
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("missing.png");
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read file"), e.getMessage());
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] png = encode(noise(64, 64, BufferedImage.TYPE_3BYTE_BGR), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(cut, "cut.png"));
        assertTrue(e.getMessage().startsWith("cut.png: cannot decode PNG image"), e.getMessage());
    }

    /** ImageIO only warns on a truncated JPEG (and fills it gray); Pillow refuses it, and so do we. */
    @Test
    void truncatedJpeg() throws IOException {
        byte[] jpeg = encode(noise(64, 64, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(cut, "cut.jpg"));
        assertTrue(e.getMessage().startsWith("cut.jpg: truncated JPEG file"), e.getMessage());
    }

    /** A 20-byte IHDR claiming 100000 x 100000 pixels is refused from the header alone, before decoding. */
    @Test
    void decompressionBombIsRefusedFromHeader() {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(bomb, "bomb.png"));
        assertEquals("bomb.png: image declares 100000x100000 = 10000000000 pixels, more than the limit of "
                + "178956970 (possible decompression bomb)", e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurable() throws IOException {
        byte[] small = encode(noise(10, 10, BufferedImage.TYPE_3BYTE_BGR), "png");
        assertEquals(100, decodedPixels(new ImageDecoder(100), small));
        BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder(99).decode(small, "s.png"));
        assertTrue(e.getMessage().contains("10x10 = 100 pixels, more than the limit of 99"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0));
    }

    @Test
    void zeroSizeIsRefused() {
        BadImageException e = assertThrows(BadImageException.class,
                () -> decoder.decode(pngHeaderOnly(0, 10), "zero.png"));
        assertTrue(e.getMessage().startsWith("zero.png: "), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static int decodedPixels(ImageDecoder d, byte[] bytes) throws BadImageException {
        PixelImage p = d.decode(bytes, "x");
        return p.width() * p.height();
    }

    /** Two rows of palette indices, repeated. */
    private static final byte[] PALETTE_ROWS = {0, 1, 2, 3, 3, 2};

    /** 3x6 palette image: red, green, blue, (10,20,30); index rows 0 1 2 / 3 3 2, three times. */
    private static BufferedImage paletted() {
        byte[] r = {(byte) 255, 0, 0, 10}, g = {0, (byte) 255, 0, 20}, b = {0, 0, (byte) 255, 30};
        IndexColorModel cm = new IndexColorModel(8, 4, r, g, b);
        BufferedImage img = new BufferedImage(3, 6, BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int i = 0; i < 18; i++) {
            img.getRaster().setSample(i % 3, i / 3, 0, PALETTE_ROWS[i % 6]);
        }
        return img;
    }

    private static BufferedImage noise(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        int[] px = new int[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i * 7919) % 256;
        }
        img.getRaster().setPixels(0, 0, w, h, px);
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "ImageIO writes " + format);
        return out.toByteArray();
    }

    /** PNG signature, an 8-bit RGB IHDR of the given size and IEND: no pixel data. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
