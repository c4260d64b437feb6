package dev.jclip.api;

import static dev.jclip.testing.Fixtures.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The towers as conditioning encoders, on vit-tiny (2 blocks per tower): the last layer's states
 * pooled and projected by hand give the reference features; {@code ln_final}/{@code ln_post} and
 * the embeddings (layer 0) are checked by hand from the stored weights; the layer numbering
 * (negative from the end) is checked against positive layers.
 */
@RequiresShared
class HiddenStatesTest {
    static ClipModel model;
    static SafeTensors weights, io;
    static int[][] tokens;
    static List<Tensor> images;

    @BeforeAll
    static void load() throws IOException {
        model = ClipModel.load(ClipModelTest.VIT);
        weights = SafeTensors.open(ClipModelTest.VIT);
        io = SafeTensors.open(ClipModelTest.VIT_IO);
        int[] flat = io.ints("input.tokens");
        tokens = new int[4][];
        for (int i = 0; i < 4; i++) {
            tokens[i] = Arrays.copyOfRange(flat, i * 77, (i + 1) * 77);
        }
        float[] px = io.floats("input.images");
        images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(Tensor.of(Arrays.copyOfRange(px, i * 3072, (i + 1) * 3072), 3, 32, 32));
        }
    }

    @AfterAll
    static void close() {
        weights.close();
        io.close();
    }

    /** Row {@code t} of sample {@code b} of a [B, T, W] tensor. */
    static float[] token(Tensor x, int b, int t) {
        int n = x.dim(1), w = x.dim(2);
        return Arrays.copyOfRange(x.data(), (b * n + t) * w, (b * n + t + 1) * w);
    }

    /** {@code v @ m} for m [W, E] stored row-major. */
    static float[] project(float[] v, float[] m, int e) {
        float[] out = new float[e];
        for (int k = 0; k < e; k++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += (double) v[j] * m[j * e + k];
            }
            out[k] = (float) s;
        }
        return out;
    }

    static float[] layerNorm(float[] v, float[] g, float[] b) {
        double mean = 0, var = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        var /= v.length;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) ((v[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i]);
        }
        return out;
    }


    @Test
    void lastTextLayerPooledAndProjectedGivesTheReferenceFeatures() {
        Tensor h = model.textHiddenStates(tokens, -1, true);
        assertArrayEquals(new int[] {4, 77, 128}, h.shape());
        float[] proj = weights.floats("text_projection"), ref = io.floats("output.text_features");
        for (int b = 0; b < 4; b++) {
            int eot = 0;
            for (int t = 0; t < 77; t++) {
                eot = tokens[b][t] > tokens[b][eot] ? t : eot;
            }
            float[] expected = Arrays.copyOfRange(ref, b * 64, (b + 1) * 64);
            ClipModelTest.assertClose(expected, project(token(h, b, eot), proj, 64), 1e-4 * maxAbs(expected), "text " + b);
        }
    }

    @Test
    void lnFinalAppliesToEveryToken() {
        Tensor raw = model.textHiddenStates(tokens, -1, false), normed = model.textHiddenStates(tokens, -1, true);
        float[] g = weights.floats("ln_final.weight"), bias = weights.floats("ln_final.bias");
        for (int b = 0; b < 4; b++) {
            for (int t : new int[] {0, 5, 76}) {
                ClipModelTest.assertClose(layerNorm(token(raw, b, t), g, bias), token(normed, b, t), 1e-4, "token " + t);
            }
        }
    }

    @Test
    void layerZeroIsTokenPlusPositionalEmbedding() {
        Tensor h = model.textHiddenStates(tokens, 0, false);
        float[] emb = weights.floats("token_embedding.weight"), pos = weights.floats("positional_embedding");
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 77; t++) {
                float[] expected = new float[128];
                for (int k = 0; k < 128; k++) {
                    expected[k] = emb[tokens[b][t] * 128 + k] + pos[t * 128 + k];
                }
                assertArrayEquals(expected, token(h, b, t), 0f);
            }
        }
    }

    @Test
    void negativeLayersCountFromTheEnd() {
        assertArrayEquals(model.textHiddenStates(tokens, 1, false).data(), model.textHiddenStates(tokens, -2, false).data(), 0f);
        assertArrayEquals(model.textHiddenStates(tokens, 0, false).data(), model.textHiddenStates(tokens, -3, false).data(), 0f);
        assertArrayEquals(model.textHiddenStates(tokens, 2, true).data(), model.textHiddenStates(tokens, -1, true).data(), 0f);
        float[] penultimate = model.textHiddenStates(tokens, -2, false).data(), last = model.textHiddenStates(tokens, -1, false).data();
        assertTrue(Math.abs(penultimate[500] - last[500]) > 1e-4, "the last block changes the states");
        for (int bad : new int[] {3, -4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.textHiddenStates(tokens, bad, true));
            assertTrue(e.getMessage().contains("layer " + bad + " is out of range for 2 blocks: use 0..2 or -3..-1"), e.getMessage());
        }
    }

    @Test
    void textsAreTokenizedLikeEmbedText() throws IOException {
        ClipModel withVocab = ClipModel.load(ClipModelTest.VIT, ClipModelTest.VOCAB);
        List<String> texts = List.of("a cat", "a dog");
        assertArrayEquals(withVocab.textHiddenStates(withVocab.tokenize(texts), -2, true).data(),
                withVocab.textHiddenStates(texts, -2, true).data(), 0f);
    }

    @Test
    void imageClassTokenProjectedGivesTheReferenceFeatures() {
        Tensor h = model.imageTokens(images, -1, true);
        assertArrayEquals(new int[] {4, 17, 128}, h.shape());   // class token + 4x4 patches of 8 pixels
        float[] proj = weights.floats("visual.proj"), ref = io.floats("output.image_features");
        for (int b = 0; b < 4; b++) {
            float[] expected = Arrays.copyOfRange(ref, b * 64, (b + 1) * 64);
            ClipModelTest.assertClose(expected, project(token(h, b, 0), proj, 64), 1e-4 * maxAbs(expected), "image " + b);
        }
        Tensor raw = model.imageTokens(images, -1, false);
        float[] g = weights.floats("visual.ln_post.weight"), bias = weights.floats("visual.ln_post.bias");
        ClipModelTest.assertClose(layerNorm(token(raw, 2, 9), g, bias), token(h, 2, 9), 1e-4, "patch token 9");
        assertArrayEquals(model.imageTokens(images, 1, false).data(), model.imageTokens(images, -2, false).data(), 0f);
        // Batches of one give the same states as the whole batch.
        Tensor one = model.withBatchSize(1).imageTokens(images, -2, false);
        ClipModelTest.assertClose(model.imageTokens(images, -2, false).data(), one.data(), 1e-5, "batch of one");
    }

    @Test
    void resNetHasNoPatchTokens() throws IOException {
        ClipModel rn = ClipModel.load(Shared.path("fixtures/models/rn-tiny/open_clip_model.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rn.imageTokens(List.of(Tensor.zeros(3, 64, 64)), -1, false));
        assertTrue(e.getMessage().contains("need a ViT image tower"), e.getMessage());
    }
}
