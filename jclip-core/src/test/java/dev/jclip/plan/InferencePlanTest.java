package dev.jclip.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.model.ClipConfig;
import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.Clip;
import dev.jclip.nn.ModifiedResNet;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.Transformer;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inference plan against the model's own forward pass ({@code nn}, which records gradients
 * and trains): the same float bits for every ViT, ResNet and text tower shape.
 */
class InferencePlanTest {
    private static final int EMBED = 12, BATCH = 3;

    /** {@code config} built with every tensor random: variances positive, batch-norm scales near 1, the rest of either sign. */
    private static Clip model(ClipConfig config, long seed) {
        Clip clip = config.build();
        SplittableRandom rng = new SplittableRandom(seed);
        clip.stateDict().all().forEach((name, t) -> {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = name.endsWith("running_var") || name.matches(".*(bn\\d|downsample\\.1)\\.weight")
                        ? (float) (0.5 + rng.nextDouble())
                        : (float) (rng.nextGaussian() * (name.startsWith("visual.layer") ? 0.1 : 0.3));
            }
        });
        clip.train(false);
        return clip;
    }

    private static ClipConfig.Vision vit(int height, int width, Gelu act, float layerScale, boolean lnPre,
                                         VisionTransformer.Pool pool, boolean finalLnAfterPool) {
        return new ClipConfig.Vision(height, width, new int[] {2}, 16, 8, 2, 40, layerScale, act, BlockConfig.LN_EPS, lnPre, pool,
                finalLnAfterPool);
    }

    static Stream<ClipConfig.Vision> vits() {
        return Stream.of(
                vit(32, 32, Gelu.QUICK, 0, true, VisionTransformer.Pool.TOK, false),     // OpenAI's
                vit(32, 32, Gelu.ERF, 0.1f, true, VisionTransformer.Pool.TOK, false),    // LayerScale
                vit(32, 48, Gelu.TANH, 0, false, VisionTransformer.Pool.AVG, false),     // no ln_pre, mean of patches
                vit(24, 32, Gelu.ERF, 0.5f, true, VisionTransformer.Pool.AVG, true),     // ln_post after pooling
                new ClipConfig.Vision(32, 32, new int[] {1}, 16, 16, 4, 16, 0, Gelu.QUICK, 1e-6f, true, VisionTransformer.Pool.TOK,
                        false),
                // SigLIP's: no class token, a patch bias, no ln_pre, attention pooling, no projection
                new ClipConfig.Vision(32, 32, new int[] {2}, 16, 8, 2, 40, 0, Gelu.TANH, 1e-6f, false, VisionTransformer.Pool.MAP,
                        false, false, true, false),
                // no class token: the mean of every token; a patch bias, projected
                new ClipConfig.Vision(32, 40, new int[] {2}, 16, 8, 2, 40, 0, Gelu.ERF, BlockConfig.LN_EPS, true,
                        VisionTransformer.Pool.AVG, false, false, true, true));
    }

    @ParameterizedTest
    @MethodSource("vits")
    void visionTransformerGivesTheModelsBits(ClipConfig.Vision v) {
        Clip clip = model(new ClipConfig(v.projection() ? EMBED : v.width(), v, null), 1);
        Tensor images = Tensor.randn(new SplittableRandom(2), 1f, BATCH, 3, v.imageSize(), v.imageWidth());
        float[] want = clip.encodeImage(images).data();   // records a graph: the training path
        float[] got = InferencePlan.of(clip).encodeImage(images).data();
        assertTrue(Fixtures.maxAbs(want) > 0.1, "features are not trivially small");
        assertArrayEquals(want, got, v.toString());
    }

    private static ClipConfig.Text text(int layers, Gelu act, float layerScale, boolean causal, TextTransformer.Pool pool) {
        return new ClipConfig.Text(10, 50, 16, 2, layers, 24, layerScale, act, BlockConfig.LN_EPS, causal, pool, 7, null);
    }

    static Stream<ClipConfig.Text> texts() {
        return Stream.of(
                text(2, Gelu.QUICK, 0, true, TextTransformer.Pool.ARGMAX),     // OpenAI's
                text(2, Gelu.ERF, 0.1f, false, TextTransformer.Pool.EOS),      // bidirectional, LayerScale
                text(1, Gelu.TANH, 0, false, TextTransformer.Pool.LAST),
                text(3, Gelu.ERF, 0, true, TextTransformer.Pool.FIRST),
                text(2, Gelu.QUICK, 0.2f, true, TextTransformer.Pool.EOS),
                // SigLIP's: bidirectional, the last position pooled, a projection with a bias
                new ClipConfig.Text(10, 50, 16, 2, 2, 24, 0, Gelu.TANH, 1e-6f, false, TextTransformer.Pool.LAST, 7, null, true));
    }

    /** Rows of 2 to 9 random ids below 49 with the end id 49 (the largest) after them, then zero padding; one row holds eos id 7. */
    private static int[] tokens() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] ids = new int[BATCH * 10];
        int[] lengths = {4, 9, 2};
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < lengths[i]; j++) {
                ids[i * 10 + j] = 8 + rng.nextInt(41);
            }
            ids[i * 10 + lengths[i]] = 49;
        }
        ids[10 + 5] = 7;
        return ids;
    }

    @ParameterizedTest
    @MethodSource("texts")
    void textTransformerGivesTheModelsBits(ClipConfig.Text t) {
        Clip clip = model(new ClipConfig(EMBED, null, t), 4);
        int[] ids = tokens();
        float[] want = clip.encodeText(ids).data();
        float[] got = InferencePlan.of(clip).encodeText(ids).data();
        assertTrue(Fixtures.maxAbs(want) > 0.1, "features are not trivially small");
        assertArrayEquals(want, got, t.toString());
    }

    @Test
    void pooledRowsOfTheTransformerAreItsFullRowsBitForBit() {
        int b = 3, l = 6, d = 16;
        int[] at = {5, 0, 2};
        for (int layers : new int[] {0, 1, 3}) {
            Transformer t = new Transformer(d, layers, BlockConfig.openAi(d, 2));
            SplittableRandom rng = new SplittableRandom(layers);
            for (Tensor p : t.stateDict().all().values()) {
                float[] data = p.data();
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rng.nextGaussian() * 0.3);
                }
            }
            TransformerPlan plan = new TransformerPlan(t.stateDict(), "", layers, t.config());
            Tensor x = Tensor.randn(rng, 1f, b, l, d);
            for (Tensor mask : new Tensor[] {Softmax.causalMask(l), null}) {
                try (var _ = GradMode.noGrad()) {
                    Tensor full = t.forward(x, mask);
                    assertArrayEquals(full.data(), plan.forward(x, mask).data(), "full, layers " + layers);
                    Tensor got = plan.forwardAt(x, mask, at);
                    assertArrayEquals(new int[] {b, d}, got.shape());
                    assertArrayEquals(BlockPlan.tokensAt(full.reshape(b * l, d), Sequences.uniform(b, l), at).data(), got.data(), "layers " + layers + ", mask " + (mask != null));
                }
            }
        }
    }

    @Test
    void pooledRowsOutsideTheirSequenceAreRefused() {
        Tensor x = Tensor.zeros(18, 16);
        Sequences seqs = Sequences.ofLengths(6, 4, 8);
        assertThrows(IllegalArgumentException.class, () -> BlockPlan.tokensAt(x, seqs, new int[] {0, 0}));
        // A position past its own sequence must not quietly pick a token of the next one.
        assertThrows(IllegalArgumentException.class, () -> BlockPlan.tokensAt(x, seqs, new int[] {6, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> BlockPlan.tokensAt(x, seqs, new int[] {0, 4, 0}));
        assertThrows(IllegalArgumentException.class, () -> BlockPlan.tokensAt(x, seqs, new int[] {0, -1, 0}));
    }

    /** A small ResNet (64 px, width 16, stages 1, 2, 1, 1). */
    private static Clip resnet(long seed) {
        return model(new ClipConfig(24, new ClipConfig.Vision(64, 64, new int[] {1, 2, 1, 1}, 16, 0, 8, 64, 0, Gelu.QUICK,
                BlockConfig.LN_EPS, true, VisionTransformer.Pool.TOK, false), null), seed);
    }

    private static Tensor images(int batch) {
        return images(batch, 64);
    }

    private static Tensor images(int batch, int size) {
        return Tensor.randn(new SplittableRandom(batch), 1f, batch, 3, size, size);
    }

    @Test
    void resNetWithoutWinogradsAlgorithmGivesTheModelsBits() {
        Clip clip = resnet(1);
        ModifiedResNet m = (ModifiedResNet) clip.visual();
        Tensor x = images(ResNetPlan.GROUP + 1);   // a full group and a partial one
        ResNetPlan plan = new ResNetPlan(m, false);
        Tensor want = m.trunk(x);                  // [B, C, g, g]
        Tensor got;
        try (var _ = GradMode.noGrad()) {
            got = plan.trunk(x);                   // [B, g, g, C]
        }
        assertArrayEquals(Views.permute(want, 0, 2, 3, 1).data(), got.data());
        float[] general = m.forward(x).data();
        assertTrue(Fixtures.maxAbs(general) > 0.1, "features are not trivially small");
        try (var _ = GradMode.noGrad()) {
            assertArrayEquals(general, plan.encode(x).data());
        }
    }

    @Test
    void resNetWithWinogradsAlgorithmIsTheModelWithinAFewRoundings() {
        Clip clip = resnet(1);
        ModifiedResNet m = (ModifiedResNet) clip.visual();
        Tensor x = images(ResNetPlan.GROUP + 1);
        assertTrue(ResNetPlan.WINOGRAD, "the default");
        float[] want = Views.permute(m.trunk(x), 0, 2, 3, 1).data();
        float[] got;
        try (var _ = GradMode.noGrad()) {
            got = new ResNetPlan(m, true).trunk(x).data();
        }
        double trunk = Fixtures.relativeError(got, want);
        assertTrue(trunk <= 1e-5, "trunk: " + trunk);
        assertFalse(Arrays.equals(want, got), "rounded differently somewhere (else Winograd's algorithm did not run)");
        float[] general = m.forward(x).data(), plan = InferencePlan.of(clip).encodeImage(x).data();
        double features = Fixtures.relativeError(plan, general);
        assertTrue(features <= 1e-5, "features: " + features);
    }

    @Test
    void featuresOfAnImageDoNotDependOnItsBatchOrTheThreadCount() {
        for (Clip clip : List.of(resnet(2), model(new ClipConfig(EMBED, vit(32, 32, Gelu.ERF, 0, true,
                VisionTransformer.Pool.TOK, false), null), 5))) {
            InferencePlan plan = InferencePlan.of(clip);
            int size = clip.visual().imageSize();
            Tensor x = Tensor.randn(new SplittableRandom(6), 1f, 3, 3, size, size);
            float[] batch;
            try (Parallel one = Parallel.of(1)) {
                batch = one.call(() -> plan.encodeImage(x).data());
            }
            for (int threads = 2; threads <= 3; threads++) {
                try (Parallel pool = Parallel.of(threads)) {
                    assertArrayEquals(batch, pool.call(() -> plan.encodeImage(x).data()), threads + " threads");
                }
            }
            int features = batch.length / 3;
            for (int img = 0; img < 3; img++) {
                float[] alone = plan.encodeImage(Views.slice(x, 0, img, img + 1)).data();
                for (int i = 0; i < features; i++) {
                    assertEquals(Float.floatToIntBits(batch[img * features + i]), Float.floatToIntBits(alone[i]),
                            "image " + img + " feature " + i);
                }
            }
        }
    }

    @Test
    void aModelInTrainingModeOrWithoutATowerIsRefused() {
        Clip clip = model(new ClipConfig(EMBED, null, text(1, Gelu.QUICK, 0, true, TextTransformer.Pool.ARGMAX)), 7);
        InferencePlan plan = InferencePlan.of(clip);
        assertThrows(IllegalStateException.class, () -> plan.encodeImage(Tensor.zeros(1, 3, 32, 32)));
        clip.train(true);
        assertThrows(IllegalArgumentException.class, () -> InferencePlan.of(clip));
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

    @Test
    void buffersKeepForTheNextPassOnlyTheSizesTheLastPassTook() {
        Buffers buffers = new Buffers();
        float[] six = buffers.take(6), four = buffers.take(4);
        buffers.give(Tensor.of(six, 6));
        buffers.give(Tensor.of(four, 4));
        buffers.endPass();
        assertSame(six, buffers.take(6));              // the next pass reuses the last one's arrays
        buffers.give(Tensor.of(six, 6));
        buffers.endPass();                             // a pass that took no array of 4
        assertSame(six, buffers.take(6));
        assertNotSame(four, buffers.take(4));
    }

    @Test
    void aPlanRunAgainAndFromSeveralThreadsAtOnceGivesTheModelsBits() throws Exception {
        Clip clip = model(new ClipConfig(EMBED, vit(32, 32, Gelu.ERF, 0, true, VisionTransformer.Pool.TOK, false),
                text(2, Gelu.QUICK, 0, true, TextTransformer.Pool.ARGMAX)), 8);
        InferencePlan plan = InferencePlan.of(clip);
        int[] ids = tokens();
        Tensor small = images(1, 32), large = images(4, 32);
        float[] text = clip.encodeText(ids).data(), one = clip.encodeImage(small).data(), four = clip.encodeImage(large).data();
        // Batches of other shapes between repeats: recycled arrays of another size must not leak into a result.
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(four, plan.encodeImage(large).data(), "four images, round " + round);
            assertArrayEquals(one, plan.encodeImage(small).data(), "one image, round " + round);
            assertArrayEquals(text, plan.encodeText(ids).data(), "texts, round " + round);
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean many = t % 2 == 0;
                running.add(callers.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        assertArrayEquals(many ? four : one, plan.encodeImage(many ? large : small).data());
                        assertArrayEquals(text, plan.encodeText(ids).data());
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aMissingTensorIsNamed() {
        StateDict empty = new Transformer(16, 0, BlockConfig.openAi(16, 2)).stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BlockPlan(empty, "resblocks.0.", BlockConfig.openAi(16, 2)));
        assertTrue(e.getMessage().contains("resblocks.0.ln_1.weight"), e.getMessage());
    }
}
