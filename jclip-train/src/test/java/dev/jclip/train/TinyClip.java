package dev.jclip.train;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;

/** The smallest ViT CLIP the config allows (one 64-wide block per tower, 8×8 images), to test the trainer fast. */
final class TinyClip {
    static final int SIZE = 8, CONTEXT = 6, VOCAB = 20;
    static final ClipConfig CONFIG = new ClipConfig(16, ClipConfig.Vision.vit(SIZE, 1, 64, 4),
            new ClipConfig.Text(CONTEXT, VOCAB, 32, 2, 1));

    private TinyClip() {}

    /** A randomly initialized model. */
    static Clip model(long seed) {
        return ClipInit.random(CONFIG, seed);
    }

    /** {@code n} random pairs. */
    static Batch batch(SplittableRandom rng, int n) {
        Tensor images = Tensor.randn(rng, 1f, n, 3, SIZE, SIZE);
        int[][] tokens = new int[n][CONTEXT];
        for (int[] row : tokens) {
            for (int j = 0; j < CONTEXT; j++) {
                row[j] = rng.nextInt(VOCAB);
            }
        }
        return new Batch(images, tokens);
    }
}
