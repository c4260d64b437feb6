package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pillow resizes an image over 100 times taller than wide height first
 * ({@code parity/make_resize_order_cases.py}): the whole output and a window of it match
 * Pillow 12's {@code resize((11, 1200), BICUBIC)} of 12x1300 RGB and RGBA images exactly.
 */
class ResizeOrderParityTest {
    private static PixelImage png(String name) throws IOException, BadImageException {
        try (InputStream in = ResizeOrderParityTest.class.getResourceAsStream("/parity/resize-order/" + name + ".png")) {
            return new ImageDecoder().decode(in.readAllBytes(), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tall_rgb_12x1300", "tall_rgba_12x1300"})
    void tallImagesShrinkHeightFirst(String name) throws IOException, BadImageException {
        PixelImage src = png(name), expected = png(name + "_resized_11x1200");
        PixelImage out = Resample.resize(src, 11, 1200);
        assertEquals(expected.mode(), out.mode());
        assertArrayEquals(expected.samples(), out.samples(), name);
        PixelImage window = Resample.resize(src, 11, 1200, 2, 100, 7, 500);
        assertArrayEquals(expected.crop(2, 100, 7, 500).samples(), window.samples(), name + " window");
    }
}
