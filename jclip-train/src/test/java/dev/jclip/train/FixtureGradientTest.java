package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer's loss and gradients against the PyTorch reference
 * ({@code train.loss} and {@code grad.*} of the vit-tiny fixture: one forward and
 * backward of the symmetric loss over its batch of 4), computed in one batch and
 * with gradient caching in micro-batches of 3 and 1. (BatchNorm models are
 * checked in one batch by jclip-core's parity test: micro-batches would change
 * their batch statistics.)
 */
class FixtureGradientTest {

    @ParameterizedTest(name = "micro-batch {0}")
    @ValueSource(ints = {4, 3})
    void lossAndGradientsMatchReference(int micro) throws IOException {
        Path dir = Shared.path("fixtures/models/vit-tiny");
        Clip model = ClipWeights.load(dir.resolve("open_clip_model.safetensors"));
        model.train(true);
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            Tensor images = io.tensor("input.images");
            int ctx = io.info("input.tokens").shape()[1];
            int[] flat = io.ints("input.tokens");
            int[][] tokens = new int[images.dim(0)][];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = Arrays.copyOfRange(flat, i * ctx, (i + 1) * ctx);
            }
            float loss = GradCache.lossAndGradients(model, new Batch(images, tokens), micro, true, true);
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
}
