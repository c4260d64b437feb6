package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Parallel;
import dev.jclip.io.JsonWriter;
import dev.jclip.io.SafeTensors;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {
    @TempDir
    Path dir;

    /** 12 random pairs, 3 batches of 4 per epoch, reshuffled each epoch. */
    private static ShuffledBatches data(long seed) {
        Batch pool = TinyClip.batch(new SplittableRandom(99), 12);
        return new ShuffledBatches(12, 4, seed, (epoch, idx) -> pick(pool, idx));
    }

    private static Batch pick(Batch pool, int[] idx) {
        int per = pool.images().numel() / pool.size();
        float[] img = new float[idx.length * per];
        int[][] tok = new int[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(pool.images().data(), idx[i] * per, img, i * per, per);
            tok[i] = pool.tokens()[idx[i]];
        }
        int[] shape = pool.images().shape();
        shape[0] = idx.length;
        return new Batch(Tensor.of(img, shape), tok);
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder().optimizer(new AdamW.Config(0.01, 0.9, 0.98, 1e-6, 0.2))
                .schedule(LrSchedule.cosine(0.01, 2, 6)).seed(7);
    }

    private static int[] bits(Clip m) {
        List<Integer> out = new ArrayList<>();
        m.stateDict().parameters().values().forEach(t -> {
            for (float x : t.data()) {
                out.add(Float.floatToRawIntBits(x));
            }
        });
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every kernel of a step splits its work the same way on any pool: a seed gives the same bits at 1 and 2 threads. */
    @Test
    void sameBitsForAnyThreadCount() {
        int[][] weights = new int[2][];
        float[][] losses = new float[2][3];
        for (int threads = 1; threads <= 2; threads++) {
            Clip model = TinyClip.model(5);
            try (Parallel pool = Parallel.of(threads)) {
                Trainer trainer = new Trainer(model, config().build(), pool);
                for (int step = 0; step < 3; step++) {
                    losses[threads - 1][step] = trainer.step(TinyClip.batch(new SplittableRandom(step), 40)).loss();
                }
            }
            weights[threads - 1] = bits(model);
        }
        assertArrayEquals(losses[0], losses[1]);
        assertArrayEquals(weights[0], weights[1]);
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void gradientCachingEqualsOneBigBatch(Loss loss) {
        Batch batch = TinyClip.batch(new SplittableRandom(3), 7);
        Clip big = loss.prepare(TinyClip.model(1), true), cached = loss.prepare(TinyClip.model(1), true);
        float lossBig = GradCache.lossAndGradients(big, batch, 7, true, true, loss);
        float lossCached = GradCache.lossAndGradients(cached, batch, 3, true, true, loss); // micro-batches 3, 3, 1
        assertEquals(lossBig, lossCached, 1e-6f * lossBig);
        for (String name : big.stateDict().parameters().keySet()) {
            float[] a = big.stateDict().parameters().get(name).grad(), b = cached.stateDict().parameters().get(name).grad();
            float max = 0, diff = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(max > 0, name + " has a gradient");
            assertTrue(diff <= 1e-5f * max, name + ": max difference " + diff + " of " + max);
        }
    }

    /**
     * A step's results and gradients come from the trainer's workspace, where each step reuses the
     * arrays the last one left dirty: the loss and gradients are the bits of new arrays, with gradient
     * caching too (its micro-batches give their arrays back as they finish, the parameters' gradients stay).
     */
    @ParameterizedTest
    @ValueSource(ints = {7, 3})
    void gradientsInAWorkspaceAreThoseOfNewArrays(int micro) {
        Clip model = TinyClip.model(2);
        Workspace workspace = new Workspace();
        for (int r = 0; r < 3; r++) {
            int run = r;
            Batch batch = TinyClip.batch(new SplittableRandom(run), 7);
            float want = GradCache.lossAndGradients(model, batch, micro, true, true, Loss.CONTRASTIVE);
            Map<String, float[]> wanted = takeGradients(model);
            Map<String, float[]> got = workspace.run(() -> {
                float loss = GradCache.lossAndGradients(model, batch, micro, true, true, Loss.CONTRASTIVE);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(loss), "loss of run " + run);
                return takeGradients(model);
            });
            assertEquals(wanted.keySet(), got.keySet());
            wanted.forEach((name, g) -> assertArrayEquals(g, got.get(name), name + ", run " + run));
        }
    }

    /** Copies of the parameters' gradients, which are then dropped. */
    private static Map<String, float[]> takeGradients(Clip model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().parameters().forEach((name, t) -> {
            out.put(name, t.grad().clone());
            t.zeroGrad();
        });
        return out;
    }

    @Test
    void interruptedAndResumedRunIsBitIdentical() throws IOException {
        Clip straight = TinyClip.model(1);
        new Trainer(straight, config().epochs(2).build()).fit(data(7)); // 6 steps

        Path out = dir.resolve("run");
        Clip first = TinyClip.model(1);
        Progress p = new Trainer(first, config().epochs(2).maxSteps(4).checkpointEvery(2).outputDir(out).build())
                .fit(data(7));
        assertEquals(new Progress(4, 1, 1, 0), p); // stopped in the middle of the second epoch
        assertNotEquals(Arrays.hashCode(bits(straight)), Arrays.hashCode(bits(first)));

        Clip resumed = TinyClip.model(12345); // different weights: the checkpoint must overwrite them all
        Trainer t = new Trainer(resumed, config().epochs(2).outputDir(out).build());
        t.resume(new Checkpoints(out, 3).latest().orElseThrow());
        assertEquals(new Progress(4, 1, 1, 0), t.progress());
        t.fit(data(7));
        assertEquals(new Progress(6, 2, 0, 0), t.progress());
        assertArrayEquals(bits(straight), bits(resumed));
    }

    @Test
    void checkpointHoldsWeightsUnderStateDictNamesAndTheRunState() throws IOException {
        Clip m = TinyClip.model(1);
        Path out = dir.resolve("run");
        new Trainer(m, config().maxSteps(2).outputDir(out).build()).fit(data(7));
        Path cp = out.resolve("step-00000002");
        try (SafeTensors st = SafeTensors.open(cp.resolve(Trainer.MODEL_FILE))) {
            assertEquals(m.stateDict().all().keySet().stream().sorted().toList(), st.names().stream().sorted().toList());
            assertArrayEquals(m.stateDict().parameters().get("visual.proj").data(), st.floats("visual.proj"));
            assertArrayEquals(m.stateDict().parameters().get("logit_scale").data(), st.floats("logit_scale"));
        }
        try (SafeTensors st = SafeTensors.open(cp.resolve(Trainer.STATE_FILE))) {
            Map<String, String> meta = st.metadata();
            assertEquals("2", meta.get("step"));
            assertEquals("0", meta.get("epoch"));
            assertEquals("2", meta.get("batch_in_epoch"));
            assertEquals("7", meta.get("seed"));
            assertEquals("2", meta.get("optimizer_step"));
            assertEquals(2 * m.stateDict().parameters().size(), st.names().size()); // two moments per parameter
            float[] v = st.floats("exp_avg_sq.visual.proj");
            assertTrue(v[0] > 0, "second moment of a parameter that moved");
        }
    }

    @Test
    void resumeRefusesAnotherSeed() throws IOException {
        Path out = dir.resolve("run");
        new Trainer(TinyClip.model(1), config().maxSteps(1).outputDir(out).build()).fit(data(7));
        Trainer other = new Trainer(TinyClip.model(1), config().seed(8).build());
        var e = assertThrows(IllegalArgumentException.class, () -> other.resume(out.resolve("step-00000001")));
        assertTrue(e.getMessage().contains("seed 7"), e.getMessage());
    }

    @Test
    void logitScaleIsClampedAfterEveryStep() {
        Clip m = TinyClip.model(1);
        Batch b = TinyClip.batch(new SplittableRandom(5), 4);
        m.stateDict().parameters().get("logit_scale").data()[0] = -0.5f;
        // lr 0: AdamW moves nothing, so only the clamp changes the scale.
        new Trainer(m, TrainConfig.builder().schedule(LrSchedule.constant(0, 0)).build()).step(b);
        assertEquals(0f, m.stateDict().parameters().get("logit_scale").item());

        m.stateDict().parameters().get("logit_scale").data()[0] = 5f;
        StepLog log = new Trainer(m, TrainConfig.builder().schedule(LrSchedule.constant(0, 0)).build()).step(b);
        assertEquals((float) Math.log(100), m.stateDict().parameters().get("logit_scale").item());
        assertEquals((float) Math.log(100), log.logitScale());
    }

    @Test
    void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Batch good = TinyClip.batch(new SplittableRandom(5), 4), bad = TinyClip.batch(new SplittableRandom(6), 4);
        bad.images().data()[17] = Float.NaN;
        Path out = dir.resolve("run");
        Clip m = TinyClip.model(1);
        Trainer t = new Trainer(m, config().checkpointEvery(1).outputDir(out).build());
        var e = assertThrows(NonFiniteException.class, () -> t.fit(List.of(good, bad, good)));
        assertTrue(e.getMessage().startsWith("step 2 (epoch 0, batch 1): loss is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains(out.resolve("step-00000001").toString()), e.getMessage());
        assertEquals(1, t.progress().step());
        assertEquals(List.of(out.resolve("step-00000001")), new Checkpoints(out, 3).list());
        try (SafeTensors st = SafeTensors.open(out.resolve("step-00000001").resolve(Trainer.MODEL_FILE))) {
            for (var p : m.stateDict().parameters().entrySet()) {
                assertArrayEquals(p.getValue().data(), st.floats(p.getKey()), p.getKey() + " is that of step 1");
            }
        }
    }

    @Test
    void nonFiniteStepCanBeSkippedAndCounted() throws IOException {
        Batch good = TinyClip.batch(new SplittableRandom(5), 4), bad = TinyClip.batch(new SplittableRandom(6), 4);
        bad.images().data()[0] = Float.POSITIVE_INFINITY;
        List<StepLog> logs = new ArrayList<>();
        Clip skipping = TinyClip.model(1), clean = TinyClip.model(1);
        // A constant rate, so the skipped step's only trace would be in the optimizer: there must be none.
        TrainConfig.Builder constant = config().schedule(LrSchedule.constant(0.01, 0));
        Progress p = new Trainer(skipping, constant.skipNonFinite(true).onStep(logs::add).build())
                .fit(List.of(good, bad, good));
        assertEquals(new Progress(3, 1, 0, 1), p);
        assertEquals(List.of(false, true, false), logs.stream().map(StepLog::skipped).toList());
        Trainer ref = new Trainer(clean, constant.skipNonFinite(false).onStep(log -> {}).build());
        ref.step(good);
        ref.step(good);
        assertArrayEquals(bits(clean), bits(skipping));
    }

    @Test
    void frozenParametersDoNotMove() {
        Clip m = TinyClip.model(1);
        float[] proj = m.stateDict().parameters().get("visual.proj").data().clone();
        float[] emb = m.stateDict().parameters().get("token_embedding.weight").data().clone();
        Trainer t = new Trainer(m, config().freeze(new Freeze(true, false, -1)).build());
        assertTrue(t.trainable().containsKey("token_embedding.weight") && t.trainable().containsKey("logit_scale"));
        assertTrue(t.trainable().keySet().stream().noneMatch(n -> n.startsWith("visual.")), t.trainable().keySet()::toString);
        t.step(TinyClip.batch(new SplittableRandom(5), 4));
        assertArrayEquals(proj, m.stateDict().parameters().get("visual.proj").data());
        assertNotEquals(Arrays.hashCode(emb), Arrays.hashCode(m.stateDict().parameters().get("token_embedding.weight").data()));
    }

    @Test
    void stepLogIsOneJsonLine() {
        StepLog log = new StepLog(3, 1, 2.5f, 1e-4, 4.6051702f, null, 0.75, 128.0, false);
        assertEquals("{\"step\":3,\"epoch\":1,\"loss\":2.5,\"lr\":1.0E-4,\"logit_scale\":4.6051702,\"grad_norm\":0.75,"
                + "\"samples_per_s\":128.0,\"skipped\":false}", log.toJson());
        assertEquals("{\"step\":1,\"epoch\":0,\"loss\":null,\"lr\":0.0,\"logit_scale\":0.0,\"grad_norm\":null,"
                + "\"samples_per_s\":1.0,\"skipped\":true}", new StepLog(1, 0, Float.NaN, 0, 0, null, Double.NaN, 1, true).toJson());
        // SigLIP's bias follows the scale.
        assertEquals("{\"step\":2,\"epoch\":0,\"loss\":1.5,\"lr\":0.001,\"logit_scale\":2.3025851,\"logit_bias\":-9.5,"
                + "\"grad_norm\":0.5,\"samples_per_s\":64.0,\"skipped\":false}",
                new StepLog(2, 0, 1.5f, 1e-3, 2.3025851f, -9.5f, 0.5, 64, false).toJson());
        // A caller adds members of its own.
        assertEquals("{\"step\":3,\"epoch\":1,\"loss\":2.5,\"lr\":1.0E-4,\"logit_scale\":4.6051702,\"grad_norm\":0.75,"
                + "\"samples_per_s\":128.0,\"skipped\":false,\"bad_items\":7}",
                log.writeMembers(new JsonWriter().beginObject()).name("bad_items").value(7).endObject().toString());
    }
}
