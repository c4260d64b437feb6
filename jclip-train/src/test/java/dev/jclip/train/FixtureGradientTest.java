package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer's loss and gradients against the PyTorch reference
 * ({@code train.loss} and {@code grad.*} of the vit-tiny fixture: one forward and
 * backward of the symmetric loss over its batch of 4), computed in one batch and
 * with gradient caching in micro-batches of 3 (then 1). BatchNorm models are
 * checked in one batch by jclip-core's parity test (micro-batches change their
 * batch statistics, so they are not expected to match one big batch).
 */
@RequiresShared
class FixtureGradientTest {

    @ParameterizedTest(name = "micro-batch {0}")
    @ValueSource(ints = {4, 3})
    void lossAndGradientsMatchReference(int micro) throws IOException {
        Path dir = Shared.path("fixtures/models/vit-tiny");
        Clip model = ClipWeights.load(dir.resolve("open_clip_model.safetensors"));
        model.train(true);
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            float loss = GradCache.lossAndGradients(model, batch(io), micro, true, true, Loss.CONTRASTIVE);
            float expected = io.floats("train.loss")[0];
            assertEquals(expected, loss, 1e-4 * Math.abs(expected), "loss");
            int checked = 0;
            for (var e : model.stateDict().parameters().entrySet()) {
                float[] want = io.floats("grad." + e.getKey()), got = e.getValue().grad();
                float max = 0, diff = 0;
                for (int i = 0; i < want.length; i++) {
                    max = Math.max(max, Math.abs(want[i]));
                    diff = Math.max(diff, Math.abs(want[i] - got[i]));
                }
                assertTrue(diff <= 1e-3f * max, "grad." + e.getKey() + ": max difference " + diff + " of " + max);
                checked++;
            }
            assertEquals(io.names().stream().filter(n -> n.startsWith("grad.")).count(), checked);
        }
    }

    /**
     * With micro-batches, a ResNet's BatchNorm running statistics move once per
     * micro-batch, as in a plain training forward of each: the embedding pass
     * without a graph must leave no trace.
     */
    @Test
    void batchNormRunningStatisticsMoveOncePerMicroBatch() throws IOException {
        Path dir = Shared.path("fixtures/models/rn-tiny");
        Clip cached = ClipWeights.load(dir.resolve("open_clip_model.safetensors"));
        Clip plain = ClipWeights.load(dir.resolve("open_clip_model.safetensors"));
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            Batch batch = batch(io);
            cached.train(true);
            GradCache.lossAndGradients(cached, batch, 2, true, true, Loss.CONTRASTIVE);
            plain.train(true);
            try (var off = GradMode.noGrad()) {
                plain.encodeImage(batch.slice(0, 2).images());
                plain.encodeImage(batch.slice(2, 4).images());
            }
        }
        var expected = plain.stateDict().buffers();
        assertTrue(expected.containsKey("visual.bn1.running_mean"), expected.keySet()::toString);
        float[] before = ClipWeights.load(dir.resolve("open_clip_model.safetensors")).stateDict().buffers()
                .get("visual.bn1.running_mean").data();
        assertFalse(Arrays.equals(before, expected.get("visual.bn1.running_mean").data()), "the statistics moved");
        cached.stateDict().buffers().forEach((name, t) -> assertArrayEquals(expected.get(name).data(), t.data(), name));
    }

    private static Batch batch(SafeTensors io) {
        Tensor images = io.tensor("input.images");
        int ctx = io.info("input.tokens").shape()[1];
        int[] flat = io.ints("input.tokens");
        int[][] tokens = new int[images.dim(0)][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Arrays.copyOfRange(flat, i * ctx, (i + 1) * ctx);
        }
        return new Batch(images, tokens);
    }
}
