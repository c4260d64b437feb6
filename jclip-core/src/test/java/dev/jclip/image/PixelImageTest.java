package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.image.PixelImage.Mode;
import org.junit.jupiter.api.Test;

/**
 * Pillow's {@code convert("RGB")} for each mode and torchvision's {@code pad}, with
 * values worked out by hand (and checked against Pillow).
 */
class PixelImageTest {

    /**
     * CMYK (100, 50, 20, 100): 255 - K = 155, then 155 - MULDIV255(C, 155):
     * 155 - 61, 155 - 30, 155 - 12 = (94, 125, 143).
     */
    @Test
    void cmykToRgb() {
        byte[] cmyk = {100, 50, 20, 100, 0, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, 0};
        assertArrayEquals(new byte[] {94, 125, (byte) 143, (byte) 255, (byte) 255, (byte) 255, 0, 0, 0},
                PixelImage.of(Mode.CMYK, 3, 1, cmyk).toRgb());
    }

    @Test
    void modeIClampsToByte() {
        assertArrayEquals(new byte[] {0, 0, 0, 77, 77, 77, (byte) 255, (byte) 255, (byte) 255},
                PixelImage.ofInts(3, 1, new int[] {-5, 77, 300}).toRgb());
    }

    /** Pillow 12's I;16 to RGB: values above 255 become 255 (I16_RGB). */
    @Test
    void modeI16ClampsToByteAndHoldsSixteenBits() {
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255},
                PixelImage.ofUint16(3, 1, new int[] {0, 256, 65535}).toRgb());
        assertThrows(IllegalArgumentException.class, () -> PixelImage.ofUint16(1, 1, new int[] {65536}));
        assertThrows(IllegalArgumentException.class, () -> PixelImage.ofUint16(1, 1, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> PixelImage.of(Mode.I16, 1, 1, new byte[1]));
    }

    @Test
    void grayAndAlphaModesDropAlpha() {
        assertArrayEquals(new byte[] {9, 9, 9, (byte) 200, (byte) 200, (byte) 200},
                PixelImage.of(Mode.LA, 2, 1, new byte[] {9, 0, (byte) 200, (byte) 255}).toRgb());
        assertArrayEquals(new byte[] {1, 2, 3},
                PixelImage.of(Mode.RGBA, 1, 1, new byte[] {1, 2, 3, 0}).toRgb());
    }

    /** An index past a short palette reads Pillow's initial gray ramp. */
    @Test
    void paletteLookup() {
        PixelImage p = PixelImage.ofPalette(2, 1, new byte[] {0, 7}, new int[] {0x010203});
        assertArrayEquals(new byte[] {1, 2, 3, 7, 7, 7}, p.toRgb());
    }

    /** Padding in the image's own mode, as torchvision's pad of a Pillow image (Pillow 12.3 gives the same). */
    @Test
    void padFillsEveryBand() {
        PixelImage rgba = PixelImage.of(Mode.RGBA, 1, 1, new byte[] {1, 2, 3, 4}).pad(1, 0, 0, 1, 128);
        assertEquals(2, rgba.width());
        assertEquals(2, rgba.height());
        byte g = (byte) 128;
        assertArrayEquals(new byte[] {g, g, g, g, 1, 2, 3, 4, g, g, g, g, g, g, g, g}, rgba.samples());
        assertArrayEquals(new int[] {7, 1000, 7}, PixelImage.ofInts(1, 1, new int[] {1000}).pad(1, 0, 1, 0, 7).ints());
    }

    /** A bilevel image stores any nonzero fill as white: Pillow's "1" mode has only 0 and 255. */
    @Test
    void padBilevelFillIsBlackOrWhite() {
        PixelImage one = PixelImage.of(Mode.ONE, 1, 1, new byte[] {0});
        assertArrayEquals(new byte[] {(byte) 255, 0}, one.pad(1, 0, 0, 0, 128).samples());
        assertArrayEquals(new byte[] {0, 0}, one.pad(0, 0, 1, 0, 0).samples());
    }

    /**
     * In a palette image the fill is an index, and torchvision re-attaches the palette
     * with putpalette, after which indices past a short palette are black, not gray:
     * Pillow 12.3 pads a 2-entry palette image with fill 128 to (0, 0, 0).
     */
    @Test
    void padPaletteIndexPastShortPaletteIsBlack() {
        PixelImage p = PixelImage.ofPalette(1, 1, new byte[] {1}, new int[] {0xFF0000, 0x00FF00});
        PixelImage padded = p.pad(1, 0, 1, 0, 128);
        assertArrayEquals(new byte[] {(byte) 128, 1, (byte) 128}, padded.samples());
        assertArrayEquals(new byte[] {0, 0, 0, 0, (byte) 255, 0, 0, 0, 0}, padded.toRgb());
        assertArrayEquals(new byte[] {0, (byte) 255, 0, (byte) 255, 0, 0}, p.pad(0, 0, 1, 0, 0).toRgb());
    }

    @Test
    void padRejectsNegativeBorderAndFillOutsideByte() {
        PixelImage l = PixelImage.of(Mode.L, 1, 1, new byte[] {0});
        assertThrows(IllegalArgumentException.class, () -> l.pad(-1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> l.pad(0, 0, 0, 0, 256));
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> PixelImage.of(Mode.RGB, 2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> PixelImage.of(Mode.RGB, 0, 2, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PixelImage.of(Mode.L, 4, 4, new byte[16]).crop(2, 2, 3, 1));
    }
}
