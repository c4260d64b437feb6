package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.nn.Clip;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights kept in 16 bits: an F16/BF16 file mapped as it is, or float32 weights rounded
 * ({@link HalfWeights}). The plan reads them without widening them onto the heap, gives the bits
 * of the model's own forward on the same (rounded) weights, and features close to float32's.
 */
@RequiresShared
class HalfWeightsTest {
    @TempDir
    Path tmp;

    private static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    private static final Path RN = Shared.path("fixtures/models/rn-tiny/open_clip_model.safetensors");

    /** Image and text features of {@code clip} through its inference plan, then through its own forward, of the inputs beside {@code model}. */
    private static float[][] features(Clip clip, Path model) throws IOException {
        try (SafeTensors io = SafeTensors.open(model.resolveSibling("io.safetensors"))) {
            Tensor images = io.tensor("input.images");
            int[] tokens = io.ints("input.tokens");
            InferencePlan plan = InferencePlan.of(clip);
            float[] image = plan.encodeImage(images).data(), text = plan.encodeText(tokens).data();
            // The model's forward widens the weights onto the heap: after the plan.
            return new float[][] {image, text, clip.encodeImage(images).data(), clip.encodeText(tokens).data()};
        }
    }

    /** The smallest cosine between corresponding rows of {@code a} and {@code b}, rows of {@code width}. */
    private static double minCosine(float[] a, float[] b, int width) {
        double min = 1;
        for (int r = 0; r < a.length / width; r++) {
            double ab = 0, aa = 0, bb = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                ab += (double) a[i] * b[i];
                aa += (double) a[i] * a[i];
                bb += (double) b[i] * b[i];
            }
            min = Math.min(min, ab / Math.sqrt(aa * bb));
        }
        return min;
    }

    @Test
    void roundedMatricesStayIn16BitsAndCostLittleAccuracy() throws IOException {
        for (Path p : new Path[] {VIT, RN}) {
            Clip exact = ClipWeights.map(p);
            float[][] want = features(exact, p);
            int embed = ClipConfig.of(exact).embedDim();
            for (HalfType type : HalfType.values()) {
                Clip clip = ClipWeights.map(p);
                HalfWeights.round(clip.stateDict(), type);
                clip.stateDict().all().forEach((name, t) -> assertEquals(t.rank() >= 2 ? type : null, t.halfType(), name));
                float[][] got = features(clip, p);
                if (p == RN) {
                    // Its 3×3 convolutions by Winograd's algorithm, rounded a little differently.
                    double error = Fixtures.relativeError(got[0], got[2]);
                    assertTrue(error <= 1e-5, p + " " + type + ": the plan is the model within a few roundings (images): " + error);
                } else {
                    assertArrayEquals(got[2], got[0], p + " " + type + ": the plan gives the model's bits (images)");
                }
                assertArrayEquals(got[3], got[1], p + " " + type + ": the plan gives the model's bits (texts)");
                // Measured: F16 at least 0.9999997, BF16 0.99998 on both fixtures (half precision keeps 3 more
                // fraction bits); the bounds leave room for other platforms' rounding of the float32 path.
                double bound = type == HalfType.F16 ? 0.99999 : 0.9999;
                for (int tower = 0; tower < 2; tower++) {
                    double cos = minCosine(want[tower], got[tower], embed);
                    assertTrue(cos >= bound && cos < 1, p + " " + type + (tower == 0 ? " images" : " texts") + ": cosine " + cos);
                }
            }
        }
    }

    @Test
    void thePlanLeavesTheWeightsIn16Bits() throws IOException {
        // Each pass widens a 16-bit weight as it packs it; none is widened for good.
        for (Path p : new Path[] {VIT, RN}) {
            Clip clip = ClipWeights.map(p);
            HalfWeights.round(clip.stateDict(), HalfType.BF16);
            try (SafeTensors io = SafeTensors.open(p.resolveSibling("io.safetensors"))) {
                InferencePlan plan = InferencePlan.of(clip);
                Tensor images = io.tensor("input.images");
                int[] tokens = io.ints("input.tokens");
                for (int pass = 0; pass < 2; pass++) {
                    plan.encodeImage(images);
                    plan.encodeText(tokens);
                }
            }
            List<String> widened = new ArrayList<>();
            int matrices = 0;
            for (var e : clip.stateDict().all().entrySet()) {
                if (e.getValue().rank() >= 2) {
                    matrices++;
                    if (e.getValue().halfType() != HalfType.BF16) {
                        widened.add(e.getKey());
                    }
                }
            }
            assertEquals(List.of(), widened, p + ": widened for good");
            assertTrue(matrices > 10, p + ": " + matrices + " matrices");
        }
    }

    @Test
    void anF16FileIsMappedIn16BitsAsTheRoundedModel() throws IOException {
        Path f16 = tmp.resolve("f16.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(VIT)) {
            st.metadata().forEach(w::metadata);
            for (String name : st.names()) {
                Tensor t = st.tensor(name);
                if (t.rank() >= 2) {
                    float[] d = t.data();
                    short[] bits = new short[d.length];
                    for (int i = 0; i < d.length; i++) {
                        bits[i] = HalfType.F16.narrow(d[i]);
                    }
                    w.add(name, bits, HalfType.F16, t.shape());
                } else {
                    w.add(name, t);
                }
            }
        }
        w.write(f16);
        Clip mapped = ClipWeights.map(f16), rounded = ClipWeights.map(VIT);
        HalfWeights.round(rounded.stateDict(), HalfType.F16);
        Tensor inProj = mapped.stateDict().get("visual.transformer.resblocks.0.attn.in_proj_weight");
        assertEquals(HalfType.F16, inProj.halfType());
        assertEquals(2L * inProj.numel(), inProj.halfStorage().byteSize(), "two bytes an element, in the file");
        assertNull(mapped.stateDict().get("visual.ln_post.bias").halfType());
        float[][] want = features(rounded, VIT), got = features(mapped, VIT);
        assertArrayEquals(want[0], got[0]);
        assertArrayEquals(want[1], got[1]);
    }
}
