package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The text tower runs only up to the batch's last end token. A short prompt alone is
 * computed on a truncated context; next to a prompt that ends at the last position it
 * is computed on the full context. Both must give the same features.
 */
class TextTransformerTest {
    private static final int CONTEXT = 16, VOCAB = 50;
    private static final ClipConfig CONFIG = new ClipConfig(24, ClipConfig.Vision.vit(32, 1, 64, 16),
            new ClipConfig.Text(CONTEXT, VOCAB, 64, 2, 2));

    /** A prompt {@code length} tokens long: start (48), random ids below it, end (49), zero padding. */
    private static int[] prompt(SplittableRandom rng, int length) {
        int[] t = new int[CONTEXT];
        t[0] = VOCAB - 2;
        for (int j = 1; j < length - 1; j++) {
            t[j] = rng.nextInt(VOCAB - 2);
        }
        t[length - 1] = VOCAB - 1;
        return t;
    }

    @Test
    void truncatedContextGivesTheFullContextFeatures() {
        Clip clip = ClipInit.random(CONFIG, 7);
        SplittableRandom rng = new SplittableRandom(3);
        int[] shortPrompt = prompt(rng, 5), fullPrompt = prompt(rng, CONTEXT);
        int[] both = Arrays.copyOf(shortPrompt, 2 * CONTEXT);
        System.arraycopy(fullPrompt, 0, both, CONTEXT, CONTEXT);
        try (var _ = GradMode.noGrad()) {
            Tensor truncated = clip.encodeText(shortPrompt);          // runs on 5 positions
            Tensor full = clip.encodeText(both);                      // runs on all 16
            assertArrayEquals(new int[] {1, 24}, truncated.shape());
            float[] a = truncated.data(), b = Arrays.copyOf(full.data(), 24);
            assertTrue(Fixtures.maxAbs(b) > 0.1, "features are not trivially zero");
            double rel = Fixtures.relativeError(a, b);
            assertTrue(rel <= 1e-6, "relative difference " + rel);
        }
    }

    @Test
    void truncationKeepsGradientsOfTheUsedPositionsAndZerosTheRest() {
        Clip clip = ClipInit.random(CONFIG, 7);
        int[] t = prompt(new SplittableRandom(5), 4);
        clip.train(true);
        clip.encodeText(t).backward(onesLike(24));
        float[] g = clip.stateDict().get("positional_embedding").grad();
        int width = 64;
        for (int p = 0; p < CONTEXT; p++) {
            double norm = 0;
            for (int i = 0; i < width; i++) {
                norm += Math.abs(g[p * width + i]);
            }
            assertTrue(p < 4 ? norm > 0 : norm == 0, "position " + p + ": |grad| = " + norm);
        }
    }

    private static float[] onesLike(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }
}
