package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipConfig;
import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.Clip;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training with SigLIP's sigmoid loss: gradients and one whole step against PyTorch (open_clip's
 * {@code SigLipLoss} and {@code torch.optim.AdamW} on a tiny model, {@code parity/make_siglip_loss_cases.py}),
 * with and without gradient caching; the initial values; {@code logit_bias} in freezing, logs and
 * checkpoints; and a loss that falls when training on a few pairs.
 */
class SigLipTrainingTest {
    /** The tiny open_clip model of the step fixture: ViT 8 px, patch 4, width 32, two heads; text width 32, two heads. */
    private static final ClipConfig STEP_MODEL = new ClipConfig(16,
            new ClipConfig.Vision(8, 8, new int[] {1}, 32, 4, 2, 128, 0, Gelu.QUICK, BlockConfig.LN_EPS, true,
                    VisionTransformer.Pool.TOK, false),
            new ClipConfig.Text(6, 20, 32, 2, 1));

    @TempDir
    Path dir;

    private static SafeTensors stepFixture() throws IOException, URISyntaxException {
        URL url = SigLipTrainingTest.class.getResource("/parity/siglip-step/step.safetensors");
        assertNotNull(url, "missing test resource parity/siglip-step/step.safetensors");
        return SafeTensors.open(Path.of(url.toURI()));
    }

    /** The fixture's model: every tensor of the state dict from {@code model.NAME}, and nothing more there. */
    private static Clip fixtureModel(SafeTensors st) {
        Clip built = STEP_MODEL.build();
        Clip model = new Clip(built.visual(), built.text(), true);
        var sd = model.stateDict().all();
        assertEquals(st.names().stream().filter(n -> n.startsWith("model.")).map(n -> n.substring(6)).sorted().toList(),
                sd.keySet().stream().sorted().toList());
        sd.forEach((name, t) -> {
            assertArrayEquals(t.shape(), st.info("model." + name).shape(), name);
            System.arraycopy(st.floats("model." + name), 0, t.data(), 0, t.numel());
        });
        return model;
    }

    private static Batch fixtureBatch(SafeTensors st) {
        int[] flat = st.ints("input.tokens");
        int ctx = st.info("input.tokens").shape()[1];
        int[][] tokens = new int[flat.length / ctx][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Arrays.copyOfRange(flat, i * ctx, (i + 1) * ctx);
        }
        return new Batch(st.tensor("input.images"), tokens);
    }

    /** Loss within 1e-4 and every parameter's gradient within 1e-3 (relative), in one batch of 4 and in micro-batches. */
    @ParameterizedTest(name = "micro-batch {0}")
    @ValueSource(ints = {4, 3, 1})
    void gradientsMatchPyTorch(int micro) throws Exception {
        try (SafeTensors st = stepFixture()) {
            Clip model = fixtureModel(st);
            model.train(true);
            float loss = GradCache.lossAndGradients(model, fixtureBatch(st), micro, true, true, Loss.SIGLIP);
            float want = st.floats("loss")[0];
            assertEquals(want, loss, 1e-4 * Math.abs(want), "loss");
            int checked = 0;
            for (var e : model.stateDict().parameters().entrySet()) {
                assertClose(st.floats("grad." + e.getKey()), e.getValue().grad(), 1e-3f, "grad." + e.getKey());
                checked++;
            }
            assertEquals(st.names().stream().filter(n -> n.startsWith("grad.")).count(), checked);
        }
    }

    /**
     * One {@link Trainer#step}: sigmoid loss, AdamW (eps 1e-3: see the script for why), the clamp; every
     * weight, {@code logit_scale} and {@code logit_bias} included, within 1e-3 of the learning rate of
     * PyTorch's. Each weight moves by about the learning rate, so a wrong sign or a missing decay shows.
     */
    @Test
    void oneStepMatchesPyTorch() throws Exception {
        double lr = 1e-3;
        try (SafeTensors st = stepFixture()) {
            Clip model = fixtureModel(st);
            List<StepLog> logs = new ArrayList<>();
            Trainer t = new Trainer(model, TrainConfig.builder().optimizer(new AdamW.Config(lr, 0.9, 0.98, 1e-3, 0.2))
                    .loss(Loss.SIGLIP).onStep(logs::add).build());
            t.step(fixtureBatch(st));
            for (var e : model.stateDict().all().entrySet()) {
                float[] want = st.floats("after." + e.getKey()), got = e.getValue().data();
                float[] before = st.floats("model." + e.getKey());
                double diff = 0;
                boolean moved = false;
                for (int i = 0; i < want.length; i++) {
                    diff = Math.max(diff, Math.abs(want[i] - got[i]));
                    moved |= want[i] != before[i];
                }
                assertTrue(diff <= 1e-3 * lr, e.getKey() + ": max difference " + diff + " after one step of lr " + lr);
                assertTrue(moved, e.getKey() + " moved");
            }
            assertEquals(st.floats("after.logit_bias")[0], logs.getFirst().logitBias(), 1e-6f);
            assertEquals(st.floats("loss")[0], logs.getFirst().loss(), 1e-4f * st.floats("loss")[0]);
        }
    }

    @Test
    void prepareGivesSigLipsInitialValuesOrKeepsACheckpointsOwn() {
        Clip clip = TinyClip.model(1);
        float scale = clip.logitScale().item();
        assertSame(clip, Loss.CONTRASTIVE.prepare(clip, true));

        Clip fresh = Loss.SIGLIP.prepare(clip, true);
        assertEquals((float) Math.log(10), fresh.logitScale().item());
        assertEquals(-10f, fresh.logitBias().item());
        assertSame(clip.visual(), fresh.visual(), "the same towers, with their weights");

        Clip tuned = Loss.SIGLIP.prepare(TinyClip.model(1), false);
        assertEquals(scale, tuned.logitScale().item(), "a trained CLIP keeps its temperature");
        assertEquals(-10f, tuned.logitBias().item());

        tuned.logitScale().data()[0] = 3.5f;
        tuned.logitBias().data()[0] = -6.25f;
        Clip again = Loss.SIGLIP.prepare(tuned, false);
        assertSame(tuned, again, "a SigLIP model is used as it is");
        assertEquals(3.5f, again.logitScale().item());
        assertEquals(-6.25f, again.logitBias().item());
    }

    @Test
    void sigmoidLossNeedsALogitBias() {
        TrainConfig config = TrainConfig.builder().loss(Loss.SIGLIP).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(TinyClip.model(1), config));
        assertTrue(e.getMessage().contains("logit_bias"), e.getMessage());
    }

    /** Like {@code logit_scale}, {@code logit_bias} belongs to neither tower: it trains when both are frozen. */
    @Test
    void freezingBothTowersStillTrainsScaleAndBias() {
        Clip m = Loss.SIGLIP.prepare(TinyClip.model(1), true);
        float[] proj = m.stateDict().get("visual.proj").data().clone(), text = m.stateDict().get("text_projection").data().clone();
        Trainer t = new Trainer(m, TrainConfig.builder().loss(Loss.SIGLIP).freeze(new Freeze(true, true, -1)).build());
        assertEquals(List.of("logit_scale", "logit_bias"), List.copyOf(t.trainable().keySet()));
        StepLog log = t.step(TinyClip.batch(new SplittableRandom(5), 4));
        assertArrayEquals(proj, m.stateDict().get("visual.proj").data());
        assertArrayEquals(text, m.stateDict().get("text_projection").data());
        assertNotEquals(-10f, m.logitBias().item());
        assertEquals(m.logitBias().item(), log.logitBias());
        assertNotEquals((float) Math.log(10), m.logitScale().item());
    }

    /** Checkpoints hold {@code logit_bias} and its moments; resuming restores it and continues bit for bit. */
    @Test
    void checkpointsSaveAndRestoreLogitBias() throws IOException {
        List<Batch> batches = List.of(TinyClip.batch(new SplittableRandom(5), 4), TinyClip.batch(new SplittableRandom(6), 4),
                TinyClip.batch(new SplittableRandom(7), 4), TinyClip.batch(new SplittableRandom(8), 4));
        Clip straight = Loss.SIGLIP.prepare(TinyClip.model(1), true);
        new Trainer(straight, config().build()).fit(batches);

        Path out = dir.resolve("run");
        Clip first = Loss.SIGLIP.prepare(TinyClip.model(1), true);
        new Trainer(first, config().maxSteps(2).outputDir(out).build()).fit(batches);
        Path cp = out.resolve("step-00000002");
        try (SafeTensors st = SafeTensors.open(cp.resolve(Trainer.MODEL_FILE))) {
            assertEquals(first.logitBias().item(), st.floats("logit_bias")[0]);
        }
        try (SafeTensors st = SafeTensors.open(cp.resolve(Trainer.STATE_FILE))) {
            assertEquals("siglip", st.metadata().get("loss"));
            assertTrue(st.floats("exp_avg_sq.logit_bias")[0] > 0, "the bias's second moment");
        }
        var contrastive = new Trainer(Loss.SIGLIP.prepare(TinyClip.model(1), true), config().loss(Loss.CONTRASTIVE).build());
        var e = assertThrows(IllegalArgumentException.class, () -> contrastive.resume(cp));
        assertTrue(e.getMessage().contains("siglip loss"), e.getMessage());

        Clip resumed = Loss.SIGLIP.prepare(TinyClip.model(12345), true);
        resumed.logitBias().data()[0] = 3; // the checkpoint must overwrite it
        Trainer t = new Trainer(resumed, config().outputDir(out).build());
        t.resume(cp);
        assertEquals(first.logitBias().item(), resumed.logitBias().item());
        t.fit(batches);
        for (var p : straight.stateDict().parameters().entrySet()) {
            assertArrayEquals(p.getValue().data(), resumed.stateDict().get(p.getKey()).data(), p.getKey());
        }
    }

    /**
     * A fresh model learns to tell 12 pairs apart: the sigmoid loss falls below half its start, and every
     * image scores its own caption highest.
     */
    @Test
    void lossFallsWhenTraining() throws IOException {
        Batch pool = TinyClip.batch(new SplittableRandom(99), 12);
        Clip m = Loss.SIGLIP.prepare(TinyClip.model(1), true);
        List<StepLog> logs = new ArrayList<>();
        new Trainer(m, config().epochs(70).onStep(logs::add).build()).fit(List.of(pool));
        float start = logs.getFirst().loss(), end = logs.getLast().loss();
        assertTrue(end < 0.5f * start, "loss " + start + " then " + end);
        Tensor logits = m.logitsPerImage(m.encodeImage(pool.images()), m.encodeText(pool.flatTokens()));
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                if (j != i) {
                    assertTrue(logits.data()[i * 12 + i] > logits.data()[i * 12 + j], "pair " + i + " beats " + j);
                }
            }
        }
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder().optimizer(new AdamW.Config(0.01, 0.9, 0.98, 1e-6, 0.2)).loss(Loss.SIGLIP).seed(7);
    }

    private static void assertClose(float[] want, float[] got, float tolerance, String name) {
        assertEquals(want.length, got.length, name);
        float max = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        assertTrue(diff <= tolerance * max, name + ": max difference " + diff + " of " + max);
    }
}
