package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.nn.Clip;
import dev.jclip.nn.ModifiedResNet;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with open_clip 3.3 and transformers 5 on every built-in open_clip config and on Hugging
 * Face configs (fixtures from {@code parity/make_config_cases.py}): each model is written as its
 * users get it — {@code open_clip_config.json} beside {@code open_clip_model.safetensors}, or
 * {@code config.json} beside {@code model.safetensors} — with the weights every side derives from
 * the tensor names ({@link NamedWeights}), loaded by {@link ClipWeights#map}, and its image and
 * text features must be within cosine 0.99999 and 1e-4 relative (to the largest magnitude) of the
 * reference library's.
 */
class ConfigParityTest {
    private static final double MIN_COSINE = 0.99999, MAX_RELATIVE = 1e-4;
    @TempDir
    Path dir;

    static Stream<String> openClipNames() {
        return ConfigCases.all("open_clip_cases").stream().map(c -> (String) c.get("name"));
    }

    static Stream<String> singleTowerNames() {
        return ConfigCases.all("hf_single_tower_cases").stream().map(c -> (String) c.get("name"));
    }

    static Stream<String> customNames() {
        return ConfigCases.all("custom_cases").stream().map(c -> (String) c.get("name"));
    }

    static Stream<String> gradNames() {
        return ConfigCases.all("grad_cases").stream().map(c -> (String) c.get("name"));
    }

    static Stream<String> hfNames() {
        return ConfigCases.all("hf_cases").stream().map(c -> (String) c.get("name"));
    }

    @Test
    void everyBuiltInOpenClipConfigIsCovered() {
        assertEquals(55, ConfigCases.all("open_clip_cases").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openClipNames")
    void openClipConfigMatchesOpenClip(String name) throws IOException {
        openClipCaseMatches(ConfigCases.get("open_clip_cases", name));
    }

    /** Keys open_clip takes that none of its configs uses (a non-square image size). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("customNames")
    void customOpenClipConfigMatchesOpenClip(String name) throws IOException {
        openClipCaseMatches(ConfigCases.get("custom_cases", name));
    }

    @SuppressWarnings("unchecked")
    private void openClipCaseMatches(Map<String, Object> c) throws IOException {
        String name = (String) c.get("name");
        Map<String, Object> full = (Map<String, Object>) c.get("config");
        ClipConfig parsed = ClipConfig.fromOpenClipJson(full, Gelu.ERF);
        assertEquals(Boolean.TRUE.equals(full.get("quick_gelu")) ? Gelu.QUICK : Gelu.ERF, parsed.text().act(), "text activation");
        Map<String, Object> textCfg = (Map<String, Object>) full.get("text_cfg");
        assertEquals(textCfg.get("hf_tokenizer_name"), parsed.text().tokenizer());

        checkFeatures(name, ClipWeights.map(ConfigCases.writeOpenClipFolder(c, "{}", dir)), c);
    }

    /**
     * Training: CLIP's contrastive loss over the case's two images and texts, and its gradient,
     * against open_clip's (every 1-D parameter's gradient in full, within 1e-3 of its largest
     * magnitude; the L2 norm of every other's within 1e-3 relative).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gradNames")
    @SuppressWarnings("unchecked")
    void gradientsMatchOpenClip(String name) throws IOException {
        Map<String, Object> c = ConfigCases.get("open_clip_cases", name), g = ConfigCases.get("grad_cases", name);
        Clip clip = ClipWeights.load(ConfigCases.writeOpenClipFolder(c, "{}", dir));
        clip.train(true);
        int size = Math.toIntExact((Long) c.get("image_size"));
        Clip.Output o = clip.forward(images(size), tokens(c));
        o.loss().backward();
        double loss = ((Number) g.get("loss")).doubleValue();
        assertEquals(loss, o.loss().item(), 1e-5 * loss, name + " loss");

        Map<String, Tensor> params = clip.stateDict().parameters();
        Map<String, Object> full = (Map<String, Object>) g.get("grads"), norms = (Map<String, Object>) g.get("grad_norms");
        assertEquals(params.size(), full.size() + norms.size(), name + ": parameters with a reference gradient");
        double scale = 0;
        for (Object v : full.values()) {
            for (Object x : (List<Object>) v) {
                scale = Math.max(scale, Math.abs(((Number) x).doubleValue()));
            }
        }
        double worst = 0;
        for (var e : full.entrySet()) {
            float[] grad = gradient(params, e.getKey());
            List<Object> expected = (List<Object>) e.getValue();
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < expected.size(); i++) {
                double x = ((Number) expected.get(i)).doubleValue();
                maxAbs = Math.max(maxAbs, Math.abs(x));
                maxDiff = Math.max(maxDiff, Math.abs(x - grad[i]));
            }
            // A gradient that is zero but for rounding (the attention pool's key bias, which softmax
            // ignores) has no scale of its own: the reference's must then be negligible for the model.
            double error = maxDiff / Math.max(maxAbs, 1e-4 * scale);
            assertTrue(error <= 1e-3, name + " grad " + e.getKey() + ": " + error);
            worst = Math.max(worst, error);
        }
        for (var e : norms.entrySet()) {
            double sum = 0;
            for (float x : gradient(params, e.getKey())) {
                sum += (double) x * x;
            }
            double expected = ((Number) e.getValue()).doubleValue(), error = Math.abs(Math.sqrt(sum) - expected) / expected;
            assertTrue(error <= 1e-3, name + " grad norm " + e.getKey() + ": " + error);
            worst = Math.max(worst, error);
        }
        System.out.printf("parity %s training: loss %.7f (open_clip %.7f), worst gradient error %.2e%n", name, o.loss().item(), loss,
                worst);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hfNames")
    void huggingFaceConfigMatchesTransformers(String name) throws IOException {
        Map<String, Object> c = ConfigCases.get("hf_cases", name);
        checkFeatures(name, ClipWeights.map(ConfigCases.writeHuggingFaceFolder(c, dir)), c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleTowerNames")
    @SuppressWarnings("unchecked")
    void huggingFaceSingleTowerMatchesTransformers(String name) throws IOException {
        Map<String, Object> c = ConfigCases.get("hf_single_tower_cases", name);
        Clip clip = ClipWeights.map(ConfigCases.writeHuggingFaceFolder(c, dir));
        clip.train(false);
        if (c.containsKey("image_features")) {
            assertNull(clip.text());
            assertThrows(IllegalStateException.class, () -> clip.encodeText(new int[77]));
            compare(name + " image", features(clip, Math.toIntExact((Long) c.get("image_size"))),
                    (List<List<Object>>) c.get("image_features"));
        } else {
            assertNull(clip.visual());
            try (var _ = GradMode.noGrad()) {
                compare(name + " text", clip.encodeText(tokens(c)), (List<List<Object>>) c.get("text_features"));
            }
        }
        assertNull(clip.logitScale());
    }

    @Test
    @SuppressWarnings("unchecked")
    void weightsWithoutConfigAssumeQuickGeluUnlessTold() throws IOException {
        // LAION's ViT-B-32 (exact GELU) has the shapes of OpenAI's (QuickGELU): a bare file cannot tell.
        Map<String, Object> c = ConfigCases.get("open_clip_cases", "ViT-B-32");
        Path file = dir.resolve("bare.safetensors");
        NamedWeights.write((Map<String, Object>) c.get("tensors"), file);
        int size = Math.toIntExact((Long) c.get("image_size"));
        List<List<Object>> expected = (List<List<Object>>) c.get("image_features");

        Clip assumed = ClipWeights.map(file);
        assertEquals(Gelu.QUICK, ClipConfig.of(assumed).vision().act());
        double off = maxRelative(features(assumed, size), expected);
        assertTrue(off > 10 * MAX_RELATIVE, "QuickGELU must not match a GELU model: " + off);

        Clip told = ClipWeights.map(file, Gelu.ERF);
        assertEquals(Gelu.ERF, ClipConfig.of(told).vision().act());
        compare("ViT-B-32 bare file with --activation gelu: image", features(told, size), expected);
    }

    @Test
    void openClipJsonRoundTrips() {
        for (Map<String, Object> c : ConfigCases.all("open_clip_cases")) {
            @SuppressWarnings("unchecked")
            ClipConfig parsed = ClipConfig.fromOpenClipJson((Map<String, Object>) c.get("config"), Gelu.ERF);
            ClipConfig again = ClipConfig.fromOpenClipJson(parsed.toOpenClipJson());
            // The tokenizer is written back; everything else is the architecture.
            assertEquals(parsed, again, (String) c.get("name"));
            assertEquals(parsed.text(), again.text(), (String) c.get("name"));
        }
    }

    @Test
    void refusedKeysAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.fromOpenClipJson(
                "{\"embed_dim\":512,\"vision_cfg\":{\"timm_model_name\":\"vit\",\"image_size\":224},\"text_cfg\":{}}"));
        assertTrue(e.getMessage().contains("vision_cfg.timm_model_name"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.fromOpenClipJson(
                "{\"embed_dim\":512,\"vision_cfg\":{\"image_size\":224,\"layers\":2,\"width\":128,\"patch_size\":16,"
                        + "\"pool_type\":\"none\"},\"text_cfg\":{}}"));
        assertTrue(e.getMessage().contains("vision_cfg.pool_type 'none'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.fromOpenClipJson(
                "{\"embed_dim\":512,\"vision_cfg\":{\"image_size\":224,\"layers\":2,\"width\":128,\"patch_size\":16,"
                        + "\"frobnicate\":1},\"text_cfg\":{}}"));
        assertTrue(e.getMessage().contains("vision_cfg.frobnicate"), e.getMessage());
        assertNull(ClipConfig.fromOpenClipJson("{\"embed_dim\":512,\"vision_cfg\":{\"image_size\":224,\"layers\":2,"
                + "\"width\":128,\"patch_size\":16},\"text_cfg\":{}}").text().tokenizer());
    }

    /** The fixtures' two square images: {@link NamedWeights} of {@code input.images}, times 4. */
    private static Tensor images(int size) {
        return images(size, size);
    }

    /** The fixtures' two images of {@code height} × {@code width} pixels. */
    private static Tensor images(int height, int width) {
        int[] imageShape = {2, 3, height, width};
        float[] pixels = NamedWeights.fill("input.images", imageShape);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] *= 4;
        }
        return Tensor.of(pixels, imageShape);
    }

    /** The image features of the fixtures' two square images. */
    private static Tensor features(Clip clip, int size) {
        return features(clip, size, size);
    }

    private static Tensor features(Clip clip, int height, int width) {
        clip.train(false);
        try (var _ = GradMode.noGrad()) {
            return clip.encodeImage(images(height, width));
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkFeatures(String name, Clip clip, Map<String, Object> c) {
        int height = Math.toIntExact((Long) c.get("image_size"));
        int width = c.containsKey("image_width") ? Math.toIntExact((Long) c.get("image_width")) : height;
        compare(name + " image", features(clip, height, width), (List<List<Object>>) c.get("image_features"));
        if (clip.visual() instanceof ModifiedResNet) {
            // The inference plan's 3×3 convolutions run by Winograd's algorithm: against open_clip too.
            compare(name + " image (plan)", InferencePlan.of(clip).encodeImage(images(height, width)),
                    (List<List<Object>>) c.get("image_features"));
        }
        try (var _ = GradMode.noGrad()) {
            compare(name + " text", clip.encodeText(tokens(c)), (List<List<Object>>) c.get("text_features"));
        }
    }

    /** The case's token id rows, flattened. */
    @SuppressWarnings("unchecked")
    private static int[] tokens(Map<String, Object> c) {
        List<List<Object>> rows = (List<List<Object>>) c.get("tokens");
        int ctx = rows.get(0).size();
        int[] tokens = new int[rows.size() * ctx];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < ctx; j++) {
                tokens[i * ctx + j] = Math.toIntExact((Long) rows.get(i).get(j));
            }
        }
        return tokens;
    }

    private static double minCosine(Tensor actual, List<List<Object>> expected) {
        int d = actual.dim(1);
        float[] a = actual.data();
        double min = 1;
        for (int i = 0; i < expected.size(); i++) {
            double dot = 0, na = 0, ne = 0;
            for (int j = 0; j < d; j++) {
                double e = ((Number) expected.get(i).get(j)).doubleValue(), x = a[i * d + j];
                dot += e * x;
                na += x * x;
                ne += e * e;
            }
            min = Math.min(min, dot / Math.sqrt(na * ne));
        }
        return min;
    }

    /** The largest difference from {@code expected} over its largest magnitude. */
    private static double maxRelative(Tensor actual, List<List<Object>> expected) {
        int d = actual.dim(1);
        float[] a = actual.data();
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < d; j++) {
                double e = ((Number) expected.get(i).get(j)).doubleValue();
                maxAbs = Math.max(maxAbs, Math.abs(e));
                maxDiff = Math.max(maxDiff, Math.abs(e - a[i * d + j]));
            }
        }
        return maxDiff / maxAbs;
    }

    private static void compare(String what, Tensor actual, List<List<Object>> expected) {
        assertEquals(expected.size(), actual.dim(0), what + " rows");
        assertEquals(expected.get(0).size(), actual.dim(1), what + " width");
        double cosine = minCosine(actual, expected), relative = maxRelative(actual, expected);
        System.out.printf("parity %s: max relative difference %.2e, min cosine %.8f%n", what, relative, cosine);
        assertTrue(cosine >= MIN_COSINE, what + ": cosine " + cosine);
        assertTrue(relative <= MAX_RELATIVE, what + ": max difference " + relative + " of the largest magnitude");
    }

    /**
     * The gradient of parameter {@code name}. Only the attention pool's key bias may have none:
     * softmax ignores it, so our pool never adds it and no gradient reaches it (all zeros).
     */
    private static float[] gradient(Map<String, Tensor> params, String name) {
        Tensor p = params.get(name);
        if (p.grad() == null && name.endsWith("attnpool.k_proj.bias")) {
            return new float[p.numel()];
        }
        assertNotNull(p.grad(), "no gradient reached " + name);
        return p.grad();
    }
}
