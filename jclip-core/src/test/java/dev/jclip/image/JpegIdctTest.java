package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector inverse DCT against jidctint.c's 64-bit arithmetic ({@link JpegIdct#transformScalar}),
 * on blocks from typical to past the 32-bit limit (which must fall back, not wrap differently).
 */
class JpegIdctTest {
    private static byte[] run(boolean vector, short[] coefs, int[] quant) {
        byte[] out = new byte[8 * 13];
        int[] ws = new int[JpegIdct.WORKSPACE];
        if (vector) {
            JpegIdct.transform(coefs, 0, quant, ws, out, 3, 13);
        } else {
            JpegIdct.transformScalar(coefs, 0, quant, ws, out, 3, 13);
        }
        return out;
    }

    @Test
    void vectorPathGivesTheScalarSamples() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] magnitudes = {2, 30, 200, 1500, 12_000, 32_767};
        for (int trial = 0; trial < 20_000; trial++) {
            int magnitude = magnitudes[trial % magnitudes.length];
            short[] coefs = new short[64];
            int[] quant = new int[64];
            int nonzero = rng.nextInt(1, 65);
            for (int i = 0; i < 64; i++) {
                quant[i] = trial % 7 == 0 ? rng.nextInt(1, 65_536) : rng.nextInt(1, 100);
                if (i < nonzero) {
                    coefs[JpegScanDecoder.NATURAL_ORDER[i]] = (short) rng.nextInt(-magnitude, magnitude + 1);
                }
            }
            assertArrayEquals(run(false, coefs, quant), run(true, coefs, quant), "trial " + trial);
        }
    }
}
