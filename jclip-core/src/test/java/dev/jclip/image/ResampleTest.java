package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.image.PixelImage.Mode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResampleTest {

    /** Weights sum to 1 in fixed point, so a flat image stays flat, shrinking or enlarging. */
    @Test
    void flatRgbStaysFlat() {
        PixelImage flat = filled(Mode.RGB, 37, 53, 200, 100, 50);
        for (int[] size : new int[][] {{20, 29}, {80, 99}, {37, 10}, {5, 53}}) {
            PixelImage out = Resample.resize(flat, size[0], size[1]);
            assertEquals(size[0], out.width());
            assertEquals(size[1], out.height());
            assertArrayEquals(filled(Mode.RGB, size[0], size[1], 200, 100, 50).samples(), out.samples());
        }
    }

    /**
     * RGBA is resized premultiplied and divided back with Pillow's integer rounding:
     * (200, 100, 50) at alpha 128 premultiplies (MULDIV255) to (100, 50, 25) and comes
     * back as 255*100/128 = 199, 255*50/128 = 99, 255*25/128 = 49 (Pillow 9.4 gives
     * (199, 99, 49, 128) everywhere).
     */
    @Test
    void rgbaIsResizedPremultiplied() {
        PixelImage out = Resample.resize(filled(Mode.RGBA, 37, 53, 200, 100, 50, 128), 20, 29);
        assertArrayEquals(filled(Mode.RGBA, 20, 29, 199, 99, 49, 128).samples(), out.samples());
        PixelImage la = Resample.resize(filled(Mode.LA, 37, 53, 200, 128), 20, 29);
        assertArrayEquals(filled(Mode.LA, 20, 29, 199, 128).samples(), la.samples());
    }

    /** Mode I keeps 16-bit values through the resize; convert("RGB") then clamps them to 255. */
    @Test
    void modeIKeepsRangeThenClamps() {
        int[] values = new int[30 * 40];
        Arrays.fill(values, 1000);
        PixelImage out = Resample.resize(PixelImage.ofInts(30, 40, values), 7, 9);
        int[] want = new int[7 * 9];
        Arrays.fill(want, 1000);
        assertArrayEquals(want, out.ints());
        byte[] rgb = out.toRgb();
        assertEquals(255, rgb[0] & 0xFF);
    }

    /**
     * Palette images are resized nearest-neighbour: 4x2 with indices 0..7 to 2x1 reads
     * input (1, 1) and (3, 1) (positions step/2 = 2 and 1), never blending colors.
     */
    @Test
    void paletteIsResizedNearest() {
        int[] palette = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x123456, 0xABCDEF, 0x808080};
        byte[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
        PixelImage out = Resample.resize(PixelImage.ofPalette(4, 2, idx, palette), 2, 1);
        assertEquals(Mode.P, out.mode());
        assertArrayEquals(new byte[] {5, 7}, out.samples());
        assertArrayEquals(new byte[] {0x12, 0x34, 0x56, (byte) 0x80, (byte) 0x80, (byte) 0x80}, out.toRgb());

        PixelImage up = Resample.resize(PixelImage.ofPalette(4, 2, idx, palette), 8, 3);
        // Enlarging 4 -> 8 repeats each column twice; 2 -> 3 rows reads rows 0, 1, 1.
        assertArrayEquals(new byte[] {
            0, 0, 1, 1, 2, 2, 3, 3,
            4, 4, 5, 5, 6, 6, 7, 7,
            4, 4, 5, 5, 6, 6, 7, 7}, up.samples());
    }

    /**
     * Pillow and torch round differently. Bilinear 5 -> 4 of the row [98, 2, 243, 21, 50]:
     * output 2 (center 3.125, support 1.25) reads inputs 2 and 3 with weights 5/12 and
     * 7/12, exactly 113.5. Pillow's 22-bit weights (1747627, 2446677) give 114; torch's
     * int16 weights, at 15 fraction bits because the axis' largest weight is 0.75,
     * are (13653, 19115) and give 113. (Pillow 12.3: [74, 102, 114, 43]; torch 2.13:
     * [74, 102, 113, 43].)
     */
    @Test
    void torchArithmeticRoundsDifferentlyFromPillow() {
        PixelImage row = PixelImage.of(Mode.L, 5, 1, new byte[] {98, 2, (byte) 243, 21, 50});
        assertArrayEquals(new byte[] {74, 102, 114, 43},
                Resample.resize(row, Interpolation.BILINEAR, 4, 1, 0, 0, 4, 1).samples());
        assertArrayEquals(new byte[] {74, 102, 113, 43},
                Resample.resizeAsTorch(row, Interpolation.BILINEAR, 4, 1, 0, 0, 4, 1).samples());
    }

    /**
     * torch sizes its int16 weights by the largest weight of the whole axis, so a window
     * must too. Bilinear 2 -> 5 of [225, 190]: output 0 has the single weight 1, so the
     * axis gets 14 fraction bits; output 1 reads both inputs with 0.9 and 0.1, exactly
     * 221.5, which 14 bits (14746, 1638) round to 222 but 15 bits, enough for 0.9
     * alone, (29491, 3277) to 221. torch 2.13 gives [225, 222, 208, 193, 190].
     */
    @Test
    void torchWindowUsesTheWholeAxisPrecision() {
        PixelImage row = PixelImage.of(Mode.L, 2, 1, new byte[] {(byte) 225, (byte) 190});
        assertArrayEquals(new byte[] {(byte) 225, (byte) 222, (byte) 208, (byte) 193, (byte) 190},
                Resample.resizeAsTorch(row, Interpolation.BILINEAR, 5, 1, 0, 0, 5, 1).samples());
        assertArrayEquals(new byte[] {(byte) 222},
                Resample.resizeAsTorch(row, Interpolation.BILINEAR, 5, 1, 1, 0, 1, 1).samples());
    }

    /**
     * Bicubic 4 -> 5 of [224, 120, 148, 75]: torch 2.13 gives [229, 147, 132, 130, 72] and
     * Pillow 12.3 [228, 147, 132, 130, 72].
     */
    @Test
    void torchBicubic() {
        PixelImage row = PixelImage.of(Mode.L, 4, 1, new byte[] {(byte) 224, 120, (byte) 148, 75});
        assertArrayEquals(new byte[] {(byte) 228, (byte) 147, (byte) 132, (byte) 130, 72},
                Resample.resize(row, Interpolation.BICUBIC, 5, 1, 0, 0, 5, 1).samples());
        assertArrayEquals(new byte[] {(byte) 229, (byte) 147, (byte) 132, (byte) 130, 72},
                Resample.resizeAsTorch(row, Interpolation.BICUBIC, 5, 1, 0, 0, 5, 1).samples());
    }

    @Test
    void torchResizeRefusesModesItWouldTreatDifferently() {
        PixelImage rgba = filled(Mode.RGBA, 2, 2, 1, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Resample.resizeAsTorch(rgba, Interpolation.BICUBIC, 3, 3, 0, 0, 3, 3));
        assertEquals("torch's uint8 resize takes L or RGB images, got RGBA", e.getMessage());
    }

    /** A window of the resize equals the same pixels cut from the full resize. */
    @Test
    void windowEqualsCropOfFullResize() {
        PixelImage src = gradient(61, 47);
        PixelImage full = Resample.resize(src, 150, 33);
        PixelImage window = Resample.resize(src, 150, 33, 40, 5, 70, 20);
        assertEquals(full.crop(40, 5, 70, 20), window);
    }

    private static PixelImage filled(Mode mode, int w, int h, int... color) {
        byte[] s = new byte[w * h * mode.bands];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) color[i % mode.bands];
        }
        return PixelImage.of(mode, w, h, s);
    }

    private static PixelImage gradient(int w, int h) {
        byte[] s = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                s[i] = (byte) (x * 255 / w);
                s[i + 1] = (byte) (y * 255 / h);
                s[i + 2] = (byte) ((x * y) % 256);
            }
        }
        return PixelImage.of(Mode.RGB, w, h, s);
    }
}
