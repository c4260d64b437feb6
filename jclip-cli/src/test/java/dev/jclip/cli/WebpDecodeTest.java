package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.image.BadImageException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.PixelImage;
import dev.jclip.image.PixelImage.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebP through the ImageIO plugin the CLI ships (core has none on its class path). The files and the
 * expected pixels come from Pillow 9.4 with libwebp; lossless, so the decode is exact:
 * <pre>
 * im = Image.new(mode, (2, 2)); im.putdata(pixels)
 * im.save(b, "WEBP", lossless=True, exact=True)   # exact: keep the color under alpha 0
 * r = Image.open(b); r.mode, list(r.getdata())
 * </pre>
 */
class WebpDecodeTest {
    /** Pillow: RGB, [(255, 0, 0), (0, 255, 0), (0, 0, 255), (12, 34, 56)]. */
    private static final byte[] RGB = {82, 73, 70, 70, 50, 0, 0, 0, 87, 69, 66, 80, 86, 80, 56, 76, 38, 0, 0, 0, 47, 1,
        64, 0, 0, 31, 32, 16, 32, 88, -15, -1, 104, 67, 32, -112, 36, -80, 63, -18, 2, 1, -126, 43, -1, 99, -26, 63,
        -16, -55, 81, -63, 13, 24, 34, -6, 31, 2};

    /** Pillow: RGBA, [(255, 0, 0, 255), (0, 255, 0, 128), (0, 0, 255, 0), (200, 100, 50, 10)]. */
    private static final byte[] RGBA = {82, 73, 70, 70, 60, 0, 0, 0, 87, 69, 66, 80, 86, 80, 56, 76, 47, 0, 0, 0, 47, 1,
        64, 0, 16, 31, 32, 16, 72, -110, -35, 31, 97, 13, -127, 0, -63, -1, -104, 43, 2, 1, -126, 37, -1, 111, -124,
        4, -124, -21, -86, -45, 2, 99, 95, -84, -126, -110, 0, 1, 80, -108, -111, -120, -2, 7, 3, 0};

    private static final byte[] RGB_PIXELS = bytes(255, 0, 0, 0, 255, 0, 0, 0, 255, 12, 34, 56);

    @TempDir
    Path dir;

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void losslessRgbDecodesExactly() throws BadImageException {
        assertEquals(PixelImage.of(Mode.RGB, 2, 2, RGB_PIXELS), decoder.decode(RGB, "rgb.webp"));
    }

    @Test
    void losslessWithAlphaIsRgbaWithStraightAlpha() throws BadImageException {
        PixelImage expected = PixelImage.of(Mode.RGBA, 2, 2,
                bytes(255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 200, 100, 50, 10));
        assertEquals(expected, decoder.decode(RGBA, "rgba.webp"));
    }

    @Test
    void decodesFromPathAndPreprocessesAsItsPixels() throws IOException, BadImageException {
        Path file = dir.resolve("img.webp");
        Files.write(file, RGB);
        assertEquals(PixelImage.of(Mode.RGB, 2, 2, RGB_PIXELS), decoder.decode(file));
        ImagePreprocessor preprocessor = ImagePreprocessor.clip(4);
        assertArrayEquals(preprocessor.preprocess(PixelImage.of(Mode.RGB, 2, 2, RGB_PIXELS)).data(),
                preprocessor.preprocess(file).data());
    }

    @Test
    void declaredSizeIsCheckedBeforeDecoding() {
        BadImageException e = assertThrows(BadImageException.class,
                () -> new ImageDecoder(3).decode(RGB, "big.webp"));
        assertEquals("big.webp: image declares 2x2 = 4 pixels, more than the limit of 3 (possible decompression bomb)",
                e.getMessage());
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
