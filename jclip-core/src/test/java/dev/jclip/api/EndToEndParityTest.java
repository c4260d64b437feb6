package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.Json;
import dev.jclip.model.ConfigCases;
import dev.jclip.model.NamedWeights;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's path end to end against open_clip 3.3 ({@code parity/make_end_to_end_cases.py}): an
 * open_clip model folder ({@code open_clip_config.json}, weights, CLIP's vocabulary), real
 * photographs and pictures as files (progressive and baseline JPEG, lossy WebP, PNG with alpha)
 * and raw captions (mojibake, HTML entities, full-width letters, ligatures, CJK, emoji) through
 * {@link ClipModel}: decoding, preprocessing, cleaning, tokenizing and encoding must give open_clip's
 * embeddings within cosine 0.99999 and 1e-4.
 */
class EndToEndParityTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    @RequiresShared
    void filesAndCaptionsEmbedAsInOpenClip() throws IOException, URISyntaxException {
        Map<String, Object> c;
        try (InputStream in = getClass().getResourceAsStream("/parity/end-to-end/cases.json")) {
            c = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("open_clip_config.json"),
                "{\"model_cfg\":" + ConfigCases.json(c.get("model_cfg")) + ",\"preprocess_cfg\":{}}");
        NamedWeights.write((Map<String, Object>) c.get("tensors"), dir.resolve("open_clip_model.safetensors"));
        ClipModel clip = ClipModel.load(dir, Shared.path("clip/bpe_simple_vocab_16e6.txt.gz"));

        List<String> images = (List<String>) c.get("images");
        List<List<Object>> expectedImages = (List<List<Object>>) c.get("image_embeddings");
        for (int i = 0; i < images.size(); i++) {
            Path file = Path.of(getClass().getResource("/" + images.get(i)).toURI());
            check(images.get(i), clip.embedImage(file), expectedImages.get(i));
        }

        List<String> captions = (List<String>) c.get("captions");
        List<List<Object>> ids = (List<List<Object>>) c.get("token_ids");
        int[][] tokens = clip.tokenize(captions);
        List<List<Object>> expectedTexts = (List<List<Object>>) c.get("text_embeddings");
        float[][] texts = clip.embedTexts(captions);
        for (int i = 0; i < captions.size(); i++) {
            int[] want = ids.get(i).stream().mapToInt(x -> Math.toIntExact((Long) x)).toArray();
            assertArrayEquals(want, tokens[i], "token ids of " + captions.get(i));
            check(captions.get(i), texts[i], expectedTexts.get(i));
        }
    }

    private static void check(String what, float[] actual, List<Object> expected) {
        assertEquals(expected.size(), actual.length, what);
        double dot = 0, norm = 0, maxDiff = 0, maxAbs = 0;
        for (int j = 0; j < actual.length; j++) {
            double e = ((Number) expected.get(j)).doubleValue();
            dot += e * actual[j];
            norm += e * e;
            maxAbs = Math.max(maxAbs, Math.abs(e));
            maxDiff = Math.max(maxDiff, Math.abs(e - actual[j]));
        }
        double cosine = dot / Math.sqrt(norm);   // both are unit length
        System.out.printf("parity end-to-end %s: cosine %.8f, max relative difference %.2e%n", what, cosine, maxDiff / maxAbs);
        assertTrue(cosine >= 0.99999, what + ": cosine " + cosine);
        assertTrue(maxDiff <= 1e-4 * maxAbs, what + ": max difference " + maxDiff);
    }
}
