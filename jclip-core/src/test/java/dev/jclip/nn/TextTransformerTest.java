package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.op.Gather;
import dev.jclip.op.MatMul;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The causal text tower runs each text only up to its end token, the texts of a batch laid end to
 * end without their padding. The features and gradients must be those of the whole context, which
 * {@link TextTransformer#hiddenStates} computes at every position, padding included.
 */
class TextTransformerTest {
    private static final int CONTEXT = 16, VOCAB = 50, WIDTH = 64, EMBED = 24;
    private static final ClipConfig CONFIG = new ClipConfig(EMBED, ClipConfig.Vision.vit(32, 1, 64, 16),
            new ClipConfig.Text(CONTEXT, VOCAB, WIDTH, 2, 2));

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

    /** Prompts of the given lengths, one after the other: [B, CONTEXT]. */
    private static int[] batch(long seed, int... lengths) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] tokens = new int[lengths.length * CONTEXT];
        for (int i = 0; i < lengths.length; i++) {
            System.arraycopy(prompt(rng, lengths[i]), 0, tokens, i * CONTEXT, CONTEXT);
        }
        return tokens;
    }

    /** The features from the whole context: every position through every block, then the end tokens projected. */
    private static Tensor wholeContextFeatures(Clip clip, int[] tokens, int[] lengths) {
        Tensor states = clip.text().hiddenStates(tokens, -1, true);
        int[] rows = new int[lengths.length];
        Arrays.setAll(rows, i -> i * CONTEXT + lengths[i] - 1);
        Tensor pooled = Gather.rows(states.reshape(lengths.length * CONTEXT, WIDTH), rows);
        return MatMul.matmul(pooled, false, clip.stateDict().get("text_projection"), false);
    }

    @Test
    void textsWithoutTheirPaddingGiveTheWholeContextFeatures() {
        Clip clip = ClipInit.random(CONFIG, 7);
        int[] lengths = {5, CONTEXT, 2, 9};
        int[] tokens = batch(3, lengths);
        try (var _ = GradMode.noGrad()) {
            Tensor packed = clip.encodeText(tokens);
            assertArrayEquals(new int[] {4, EMBED}, packed.shape());
            float[] want = wholeContextFeatures(clip, tokens, lengths).data();
            assertTrue(Fixtures.maxAbs(want) > 0.1, "features are not trivially zero");
            double rel = Fixtures.relativeError(packed.data(), want);
            assertTrue(rel <= 1e-6, "relative difference " + rel);
        }
    }

    @Test
    void aTextHasTheSameBitsAloneAndInAnyBatch() {
        Clip clip = ClipInit.random(CONFIG, 7);
        int[] lengths = {5, CONTEXT, 2, 9};
        int[] tokens = batch(4, lengths);
        try (var _ = GradMode.noGrad()) {
            float[] together = clip.encodeText(tokens).data();
            for (int i = 0; i < lengths.length; i++) {
                float[] alone = clip.encodeText(Arrays.copyOfRange(tokens, i * CONTEXT, (i + 1) * CONTEXT)).data();
                assertArrayEquals(alone, Arrays.copyOfRange(together, i * EMBED, (i + 1) * EMBED), "text " + i);
            }
        }
    }

    @Test
    void gradientsAreThoseOfTheWholeContext() {
        int[] lengths = {4, 11, CONTEXT, 2};
        int[] tokens = batch(5, lengths);
        float[] upstream = new float[lengths.length * EMBED];
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = (float) rng.nextDouble(-1, 1);
        }

        Clip packed = ClipInit.random(CONFIG, 7), whole = ClipInit.random(CONFIG, 7);
        packed.train(true);
        whole.train(true);
        packed.encodeText(tokens).backward(upstream);
        wholeContextFeatures(whole, tokens, lengths).backward(upstream);
        Map<String, Tensor> got = packed.stateDict().parameters(), want = whole.stateDict().parameters();
        int compared = 0;
        for (var e : want.entrySet()) {
            if (e.getValue().grad() == null) {
                continue;   // the image tower's parameters
            }
            double rel = Fixtures.relativeError(got.get(e.getKey()).grad(), e.getValue().grad());
            assertTrue(rel <= 1e-5, e.getKey() + ": relative difference " + rel);
            compared++;
        }
        assertTrue(compared >= 20, compared + " gradients compared");
    }

    @Test
    void positionsAfterTheLastEndTokenGetNoGradient() {
        Clip clip = ClipInit.random(CONFIG, 7);
        int[] t = batch(5, 4, 3);
        clip.train(true);
        float[] ones = new float[2 * EMBED];
        Arrays.fill(ones, 1f);
        clip.encodeText(t).backward(ones);
        float[] g = clip.stateDict().get("positional_embedding").grad();
        for (int p = 0; p < CONTEXT; p++) {
            double norm = 0;
            for (int i = 0; i < WIDTH; i++) {
                norm += Math.abs(g[p * WIDTH + i]);
            }
            assertTrue(p < 4 ? norm > 0 : norm == 0, "position " + p + ": |grad| = " + norm);
        }
    }
}
