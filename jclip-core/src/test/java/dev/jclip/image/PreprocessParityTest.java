package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.Json;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config of {@code parity/preprocess/cases.json} (made by
 * {@code parity/make_preprocess_cases.py}), parsed as jclip parses it, run on each
 * of its images and compared with the tensor open_clip 3.3 or transformers 5
 * (CLIPImageProcessor, torchvision backend) gives for the same PNG: every value
 * within one 8-bit step before normalization ({@code |Δ| · std / rescale ≤ 1}), and
 * in fact bit-identical.
 */
class PreprocessParityTest {
    private static final String DIR = "parity/preprocess/";
    private static final double OPENAI_STD_R = 0.26862954, OPENAI_STD_G = 0.26130258, OPENAI_STD_B = 0.27577711;

    private static Map<String, Object> root;
    private static final Map<String, float[]> expected = new HashMap<>();
    private static final Map<String, int[]> shapes = new HashMap<>();

    record Config(String name, String library, Map<String, Object> json) {
        @Override
        public String toString() {
            return library + " " + name;
        }
    }

    @BeforeAll
    static void load(@TempDir Path tmp) throws IOException, URISyntaxException {
        root = Json.parseObject(Files.readString(resource("cases.json"), StandardCharsets.UTF_8));
        Path tensors = tmp.resolve("expected.safetensors");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(resource("expected.safetensors.gz")))) {
            Files.copy(in, tensors);
        }
        try (SafeTensors st = SafeTensors.open(tensors)) {
            for (String name : st.names()) {
                expected.put(name, st.floats(name));
                shapes.put(name, st.info(name).shape());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Config> configs() throws IOException, URISyntaxException {
        Map<String, Object> cases = Json.parseObject(Files.readString(resource("cases.json"), StandardCharsets.UTF_8));
        List<Config> configs = new ArrayList<>();
        for (Object o : (List<Object>) cases.get("configs")) {
            Map<String, Object> c = (Map<String, Object>) o;
            configs.add(new Config((String) c.get("name"), (String) c.get("library"), (Map<String, Object>) c.get("config")));
        }
        assertEquals(15, configs.size(), "cases.json lists 9 open_clip and 6 transformers configs");
        return configs.stream();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void matchesReference(Config config) throws IOException, URISyntaxException, BadImageException {
        PreprocessConfig parsed = switch (config.library()) {
            case "open_clip" -> PreprocessConfig.fromOpenClip(config.json());
            case "transformers" -> PreprocessConfig.fromHuggingFace(config.json());
            default -> throw new AssertionError("unknown library " + config.library());
        };
        ImagePreprocessor preprocessor = ImagePreprocessor.of(parsed);
        double[] unit = eightBitStep(config);
        double worst = 0;
        int cases = 0, differing = 0, values = 0;
        StringBuilder perImage = new StringBuilder();
        for (Object o : (List<Object>) root.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (!c.get("config").equals(config.name())) {
                continue;
            }
            String key = (String) c.get("tensor");
            float[] want = expected.get(key);
            assertNotNull(want, "missing tensor " + key);
            Tensor got = preprocessor.preprocess(resource((String) c.get("image")));
            assertArrayEquals(shapes.get(key), got.shape(), key + ": shape");
            int plane = want.length / 3;
            double imageWorst = 0;
            for (int i = 0; i < want.length; i++) {
                double steps = Math.abs(got.data()[i] - want[i]) * unit[i / plane];
                imageWorst = Math.max(imageWorst, steps);
                if (got.data()[i] != want[i]) {
                    differing++;
                }
            }
            values += want.length;
            worst = Math.max(worst, imageWorst);
            perImage.append(String.format(" %s %.3f", c.get("image"), imageWorst));
            cases++;
        }
        assertTrue(cases > 0, "no cases for " + config.name());
        System.out.printf("%s: worst %.4f/255 before normalization over %d images, %d of %d values not bit-identical;%s%n",
                config, worst, cases, differing, values, perImage);
        assertTrue(worst <= 1 + 1e-3, config + ": worst " + worst + "/255 before normalization;" + perImage);
        // Both resamplers are replicated in their integer arithmetic, so in fact nothing differs (Pillow's
        // resampling in place of torch's would stay within one step but differ in hundreds of values).
        assertEquals(0, differing, config + ": values not bit-identical to the reference");
    }

    /**
     * What one 8-bit step is worth in the output, per channel: {@code rescale / std},
     * read from the config JSON with each library's defaults (not from the parser).
     */
    @SuppressWarnings("unchecked")
    private static double[] eightBitStep(Config config) {
        Map<String, Object> json = config.json();
        double rescale = 1.0 / 255;
        Object std = json.get("std");
        if (config.library().equals("transformers")) {
            boolean doRescale = !Boolean.FALSE.equals(json.get("do_rescale"));
            rescale = doRescale ? ((Number) json.getOrDefault("rescale_factor", 1.0 / 255)).doubleValue() : 1.0;
            std = Boolean.FALSE.equals(json.get("do_normalize")) ? List.of(1.0, 1.0, 1.0) : json.get("image_std");
        }
        List<Number> s = std == null ? List.of(OPENAI_STD_R, OPENAI_STD_G, OPENAI_STD_B) : (List<Number>) std;
        double[] unit = new double[3];
        for (int c = 0; c < 3; c++) {
            unit[c] = s.get(c).doubleValue() / rescale;
        }
        return unit;
    }

    private static Path resource(String name) throws URISyntaxException {
        URL url = PreprocessParityTest.class.getResource("/" + DIR + name);
        assertNotNull(url, "missing test resource " + DIR + name);
        return Path.of(url.toURI());
    }
}
