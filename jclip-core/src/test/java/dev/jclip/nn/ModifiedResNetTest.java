package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.kernel.Parallel;
import dev.jclip.op.Views;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The inference path (evaluation mode without gradients: channels-last, batch norms fused into
 * the convolutions, images in groups, the rearranged attention pool) against the general path,
 * which records gradients and computes each op as the reference does.
 */
class ModifiedResNetTest {

    /** A small ResNet (64 px, width 16, stages 1, 2, 1, 1) with random weights and batch-norm statistics. */
    private static ModifiedResNet model(long seed) {
        ModifiedResNet m = new ModifiedResNet(new int[] {1, 2, 1, 1}, 24, 8, 64, 16);
        SplittableRandom rng = new SplittableRandom(seed);
        m.stateDict().all().forEach((name, t) -> {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                // Variances positive, batch-norm scales near 1, other weights small.
                d[i] = name.endsWith("running_var") ? (float) (0.5 + rng.nextDouble())
                        : name.matches(".*(bn\\d|downsample\\.1)\\.weight") ? (float) (0.5 + rng.nextDouble())
                        : (float) (rng.nextGaussian() * 0.1);
            }
        });
        m.train(false);
        return m;
    }

    private static Tensor images(int batch) {
        return Tensor.randn(new SplittableRandom(batch), 1f, batch, 3, 64, 64);
    }

    @Test
    void inferenceMatchesTheGeneralPath() {
        ModifiedResNet m = model(1);
        Tensor x = images(ModifiedResNet.GROUP + 1);   // a full group and a partial one
        Tensor general = m.forward(x);                 // grad mode on: the general path
        Tensor fast;
        try (var _ = GradMode.noGrad()) {
            fast = m.forward(x);
        }
        assertArrayEquals(general.shape(), fast.shape());
        double scale = 0;
        for (float v : general.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0.1, "features of magnitude " + scale);
        for (int i = 0; i < fast.numel(); i++) {
            assertEquals(general.data()[i], fast.data()[i], 1e-5 * scale, "feature " + i);
        }
    }

    @Test
    void inferenceOfAnImageDoesNotDependOnItsBatchOrTheThreadCount() {
        ModifiedResNet m = model(2);
        Tensor x = images(3);
        int saved = Parallel.threads();
        try (var _ = GradMode.noGrad()) {
            Parallel.setThreads(1);
            float[] batch = m.forward(x).data();
            for (int threads = 2; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                assertArrayEquals(batch, m.forward(x).data(), threads + " threads");
            }
            int features = batch.length / 3;
            for (int img = 0; img < 3; img++) {
                float[] alone = m.forward(Views.slice(x, 0, img, img + 1)).data();
                for (int i = 0; i < features; i++) {
                    assertEquals(Float.floatToIntBits(batch[img * features + i]), Float.floatToIntBits(alone[i]),
                            "image " + img + " feature " + i);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void buffersRecycleOnlyTheSizesTheyHandedOut() {
        Buffers buffers = new Buffers();
        float[] a = buffers.take(6);
        buffers.give(Tensor.of(a, 2, 3));
        assertSame(a, buffers.take(6));
        assertNotSame(a, buffers.take(6));             // given back once, handed out once
        float[] other = new float[4];
        buffers.give(Tensor.of(other, 4));             // a size never handed out: left to the collector
        assertNotSame(other, buffers.take(4));
    }
}
