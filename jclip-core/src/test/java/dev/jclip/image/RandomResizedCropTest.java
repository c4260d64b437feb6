package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.image.PixelImage.Mode;
import dev.jclip.image.RandomResizedCrop.Box;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomResizedCropTest {
    private final RandomResizedCrop crop = RandomResizedCrop.openClip(32);

    @Test
    void sameSeedSameBits() {
        PixelImage img = gradient(97, 64);
        Tensor a = crop.preprocess(img, new SplittableRandom(42));
        Tensor b = crop.preprocess(img, new SplittableRandom(42));
        assertArrayEquals(new int[] {3, 32, 32}, a.shape());
        assertArrayEquals(a.data(), b.data(), 0f);

        SplittableRandom r1 = new SplittableRandom(7), r2 = new SplittableRandom(7);
        for (int i = 0; i < 20; i++) {
            assertEquals(crop.sample(640, 480, r1), crop.sample(640, 480, r2));
        }
        // A square leaves room for many boxes (640x480 is already 4/3, so most tries there miss and fall back).
        assertNotEquals(crop.sample(500, 500, new SplittableRandom(1)), crop.sample(500, 500, new SplittableRandom(2)));
    }

    /**
     * Boxes lie inside the image, cover 90..100% of its area and have aspect ratio
     * 3/4..4/3, up to the rounding of width and height to whole pixels.
     */
    @Test
    void boxesRespectScaleAndRatio() {
        SplittableRandom rng = new SplittableRandom(3);
        int w = 640, h = 480;
        for (int i = 0; i < 2000; i++) {
            Box b = crop.sample(w, h, rng);
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.width() <= w && b.y() + b.height() <= h, b.toString());
            // Rounding moves each side by at most half a pixel.
            double maxArea = (b.width() + 0.5) * (b.height() + 0.5), minArea = (b.width() - 0.5) * (b.height() - 0.5);
            assertTrue(maxArea >= 0.9 * w * h && minArea <= 1.0 * w * h, b.toString());
            double maxRatio = (b.width() + 0.5) / (b.height() - 0.5), minRatio = (b.width() - 0.5) / (b.height() + 0.5);
            assertTrue(maxRatio >= 3.0 / 4 && minRatio <= 4.0 / 3, b.toString());
        }
    }

    /**
     * A 1000x10 strip cannot hold 90% of its area at ratio <= 4/3 (the height would have
     * to be at least 82), so every try fails and the fallback crops the center:
     * height 10, width round(10 * 4/3) = 13, left (1000 - 13) / 2 = 493.
     */
    @Test
    void fallsBackToCenterCrop() {
        assertEquals(new Box(493, 0, 13, 10), crop.sample(1000, 10, new SplittableRandom(0)));
        // A tall strip: width 10, height round(10 / (3/4)) = 13, top (1000 - 13) / 2 = 493.
        assertEquals(new Box(0, 493, 10, 13), crop.sample(10, 1000, new SplittableRandom(0)));
    }

    /** The crop is resized with the same Pillow bicubic: a flat image stays flat at any box. */
    @Test
    void resizesCropToSize() {
        byte[] s = new byte[50 * 40 * 3];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (i % 3 == 0 ? 10 : i % 3 == 1 ? 20 : 30);
        }
        PixelImage out = crop.apply(PixelImage.of(Mode.RGB, 50, 40, s), new SplittableRandom(5));
        assertEquals(32, out.width());
        assertEquals(32, out.height());
        byte[] rgb = out.toRgb();
        for (int i = 0; i < rgb.length; i++) {
            assertEquals(i % 3 == 0 ? 10 : i % 3 == 1 ? 20 : 30, rgb[i]);
        }
    }

    private static PixelImage gradient(int w, int h) {
        byte[] s = new byte[w * h * 3];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (i * 31);
        }
        return PixelImage.of(Mode.RGB, w, h, s);
    }
}
