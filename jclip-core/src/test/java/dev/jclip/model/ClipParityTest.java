package dev.jclip.model;

import static dev.jclip.testing.Fixtures.maxAbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity with the reference ({@code io.safetensors} from {@code clipref.py}):
 * evaluation features, logits and loss within 1e-4 of the largest magnitude;
 * training loss, logits and every parameter's gradient within 1e-3 per tensor
 * (max abs difference / max abs value). The models come from
 * {@code ../shared/fixtures/models/NAME} or from this module's test resources
 * {@code parity/NAME} (smaller cases with other shapes, made by
 * {@code make_fixtures.py} as their README says).
 */
class ClipParityTest {

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
        "vit-tiny, open_clip_model.safetensors",
        "vit-tiny, hf",
        "rn-tiny, open_clip_model.safetensors"})
    @RequiresShared
    void matchesSharedReference(String model, String weights) throws Exception {
        matchesReference(Shared.path("fixtures/models/" + model), model, weights);
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
        "vit-narrow, open_clip_model.safetensors",
        "vit-narrow, hf",
        "rn-deep, open_clip_model.safetensors"})
    void matchesResourceReference(String model, String weights) throws Exception {
        matchesReference(resource("parity/" + model), model, weights);
    }

    private static void matchesReference(Path dir, String model, String weights) throws Exception {
        Clip clip = ClipWeights.load(dir.resolve(weights));
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            Tensor images = io.tensor("input.images");
            int[] tokens = io.ints("input.tokens");

            clip.train(false);
            double evalWorst;
            try (var _ = GradMode.noGrad()) {
                Clip.Output o = clip.forward(images, tokens);
                evalWorst = Math.max(Math.max(assertClose(io, "output.image_features", o.imageFeatures(), 1e-4),
                                assertClose(io, "output.text_features", o.textFeatures(), 1e-4)),
                        Math.max(assertClose(io, "output.logits_per_image", o.logitsPerImage(), 1e-4),
                                assertClose(io, "output.loss", o.loss(), 1e-4)));
            }

            clip.train(true);
            Clip.Output o = clip.forward(images, tokens);
            o.loss().backward();
            assertClose(io, "train.loss", o.loss(), 1e-3);
            assertClose(io, "train.logits_per_image", o.logitsPerImage(), 1e-3);
            Map<String, Tensor> params = clip.stateDict().parameters();
            TreeSet<String> expected = new TreeSet<>();
            for (String name : io.names()) {
                if (name.startsWith("grad.")) {
                    expected.add(name.substring(5));
                }
            }
            assertEquals(expected, new TreeSet<>(params.keySet()), "parameters with a reference gradient");
            double worst = 0;
            for (var e : params.entrySet()) {
                float[] grad = e.getValue().grad();
                if (e.getKey().equals(ZERO_GRADIENT)) {
                    assertNull(grad, ZERO_GRADIENT + " is not used, so no gradient reaches it");
                    assertNegligible(io);
                } else {
                    assertNotNull(grad, "no gradient reached " + e.getKey());
                    worst = Math.max(worst, assertClose(io, "grad." + e.getKey(), Tensor.of(grad, e.getValue().shape()), 1e-3));
                }
            }
            System.out.printf("%s/%s: worst evaluation error %.2e, worst training error %.2e over %d gradients%n",
                    model, weights, evalWorst, worst, params.size());
        }
    }

    /** {@link Fixtures#assertClose} of {@code actual} with the reference's tensor {@code name}. */
    private static double assertClose(SafeTensors reference, String name, Tensor actual, double tol) {
        return Fixtures.assertClose(name, reference.info(name).shape(), reference.floats(name), actual.shape(), actual.data(), tol);
    }

    /** A folder of this module's test resources, as a file system path. */
    private static Path resource(String name) throws URISyntaxException {
        URL url = ClipParityTest.class.getResource("/" + name);
        assertNotNull(url, "missing test resource folder " + name);
        return Path.of(url.toURI());
    }

    /**
     * The attention pool's key bias has an exact zero gradient: it adds {@code q·b} to every score
     * of a query, which softmax ignores. Our pool never adds it (no gradient at all); the
     * reference holds only rounding noise there.
     */
    private static final String ZERO_GRADIENT = "visual.attnpool.k_proj.bias";

    /** Asserts that the reference's gradient of the key bias is below 1e-6 of the key weight's. */
    private static void assertNegligible(SafeTensors io) {
        double scale = maxAbs(io.floats("grad.visual.attnpool.k_proj.weight"));
        assertTrue(maxAbs(io.floats("grad." + ZERO_GRADIENT)) <= 1e-6 * scale, "reference gradient is not ~0");
    }
}
