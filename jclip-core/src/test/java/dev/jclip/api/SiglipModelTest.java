package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Parallel;
import dev.jclip.io.Json;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SigLIP models through {@link ClipModel}, against the libraries' outputs made by
 * {@code parity/make_siglip_cases.py}: the tokenizer found in the model folder pads as
 * transformers' processors and OpenCLIP's {@code HFTokenizer} (with {@code clean="canonicalize"}),
 * exact ids; images preprocessed as {@code SiglipImageProcessor} / OpenCLIP's squash transform;
 * embeddings are the normalized library features; zero-shot probabilities are sigmoids.
 */
class SiglipModelTest {

    @ParameterizedTest
    @ValueSource(strings = {"siglip-hf", "siglip2-hf", "siglip-openclip"})
    void tokenizesFromTheModelFolderAsTheLibraryDoes(String name) throws Exception {
        Path dir = resource("parity/siglip/" + name);
        ClipModel m = ClipModel.load(dir);
        List<String> texts = new ArrayList<>();
        for (Object t : (List<?>) Json.parse(Files.readString(dir.resolve("texts.json")))) {
            texts.add((String) t);
        }
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            int[] expected = io.ints("input.tokens");
            int[][] ids = m.tokenize(texts);
            int context = ids[0].length;
            for (int i = 0; i < ids.length; i++) {
                int[] row = Arrays.copyOfRange(expected, i * context, (i + 1) * context);
                assertArrayEquals(row, ids[i], "ids of text " + i + " '" + texts.get(i) + "'");
            }
            float[][] emb = m.embedTexts(texts);
            float[] ref = io.floats("output.text_features");
            int d = emb[0].length;
            for (int i = 0; i < emb.length; i++) {
                float[] r = Arrays.copyOfRange(ref, i * d, (i + 1) * d);
                Fixtures.assertClose("text " + i, new int[] {d}, unit(r), new int[] {d}, emb[i], 1e-4);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"siglip-hf", "siglip-openclip"})
    void preprocessesAsTheLibrary(String name) throws Exception {
        Path dir = resource("parity/siglip/" + name);
        ClipModel m = ClipModel.load(dir);
        Tensor t = m.preprocessor().preprocess(resource("parity/siglip/image.png"));
        try (SafeTensors pre = SafeTensors.open(resource("parity/siglip/preprocess.safetensors"))) {
            Fixtures.assertClose(name, pre.info(name).shape(), pre.floats(name), t.shape(), t.data(), 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"siglip-hf", "siglip-openclip"})
    void zeroShotGivesIndependentSigmoidsOfTheLibraryLogits(String name) throws Exception {
        Path dir = resource("parity/siglip/" + name);
        ClipModel m = ClipModel.load(dir);
        assertTrue(m.config().sigmoid());
        List<String> names = new ArrayList<>();
        for (Object t : ((List<?>) Json.parse(Files.readString(dir.resolve("texts.json")))).subList(0, 3)) {
            names.add((String) t);
        }
        // Template "{}": the class vectors are the first three texts' embeddings, so the logits are
        // the library's logits of image 0 with them.
        ZeroShotClassifier zs = m.classifier(names, List.of("{}"));
        assertEquals(ZeroShotClassifier.Probabilities.SIGMOID, zs.kind());
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            int d = io.info("output.image_features").shape()[1], texts = io.info("output.logits_per_image").shape()[1];
            float[] image = unit(Arrays.copyOfRange(io.floats("output.image_features"), 0, d));
            float[] expected = Arrays.copyOfRange(io.floats("output.logits_per_image"), 0, 3);
            assertEquals(8, texts);
            float[] logits = zs.logits(image), p = zs.probabilities(image);
            Fixtures.assertClose("logits", new int[] {3}, expected, new int[] {3}, logits, 1e-4);
            for (int c = 0; c < 3; c++) {
                assertEquals(1 / (1 + Math.exp(-expected[c])), p[c], 1e-5, "sigmoid of class " + c);
            }
            assertEquals(zs.top(image, 3).get(0).probability(), Math.max(p[0], Math.max(p[1], p[2])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"siglip-hf", "siglip-openclip"})
    void sameBitsOnOneThreadOrMany(String name) throws Exception {
        Path dir = resource("parity/siglip/" + name);
        List<Tensor> images = new ArrayList<>();
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            float[] all = io.floats("input.images");
            int per = all.length / 3;
            for (int i = 0; i < 3; i++) {
                images.add(Tensor.of(Arrays.copyOfRange(all, i * per, (i + 1) * per), 3, 32, 32));
            }
        }
        List<String> texts = List.of("a photo of a cat", "two dogs");
        try (Parallel four = Parallel.of(4); Parallel single = Parallel.of(1)) {
            ClipModel many = ClipModel.load(dir).withParallel(four), one = many.withParallel(single);
            assertArrayEquals(many.embedPreprocessed(images), one.embedPreprocessed(images));
            assertArrayEquals(many.embedTexts(texts), one.embedTexts(texts));
        }
    }

    private static float[] unit(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(sq));
        }
        return out;
    }

    private static Path resource(String name) throws Exception {
        URL url = SiglipModelTest.class.getResource("/" + name);
        assertNotNull(url, "missing test resource " + name);
        return Path.of(url.toURI());
    }
}
