package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.nn.Clip;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random initialization of every kind of tower, SigLIP's included (the presets a benchmark or a training run starts from). */
class ClipInitTest {
    /** SigLIP's shape in small: no class token, a patch bias, no ln_pre, attention pooling, no image projection. */
    private static final ClipConfig.Vision SIGLIP_VISION = new ClipConfig.Vision(16, 16, new int[] {2}, 32, 8, 2, 64, 0,
            Gelu.TANH, 1e-6f, false, VisionTransformer.Pool.MAP, false, false, true, false);
    /** SigLIP's text tower in small: no causal mask, the last token pooled, a projection with a bias. */
    private static final ClipConfig.Text SIGLIP_TEXT = new ClipConfig.Text(8, 100, 32, 2, 2, 64, 0, Gelu.TANH, 1e-6f, false,
            TextTransformer.Pool.LAST, 1, null, true);
    private static final ClipConfig SIGLIP = new ClipConfig(32, SIGLIP_VISION, SIGLIP_TEXT, true);

    @Test
    void fillsEverySigLipTensorAndStartsItsLogitsAsSigLipDoes() {
        StateDict sd = ClipInit.random(SIGLIP, 5).stateDict();
        for (String name : new String[] {"visual.conv1.bias", "visual.attn_pool.probe", "visual.attn_pool.attention.in_proj_weight",
                "visual.attn_pool.mlp.fc2.weight", "text_projection.weight", "text_projection.bias"}) {
            assertTrue(sd.get(name) != null, name + " is a SigLIP tensor");
        }
        assertNull(sd.get("visual.class_embedding"));
        assertNull(sd.get("visual.proj"));
        for (Map.Entry<String, Tensor> e : sd.all().entrySet()) {
            float[] d = e.getValue().data();
            assertTrue(d.length == 0 || !allZero(d), e.getKey() + " was left at zero");
        }
        assertEquals((float) Math.log(10), sd.get("logit_scale").item());
        assertEquals(-10f, sd.get("logit_bias").item());
        // LayerNorm weights near 1 (std 0.1 about 1: the mean of 32 within 0.1 is 5.6 standard errors).
        assertEquals(1.0, mean(sd.get("visual.attn_pool.layernorm.weight").data()), 0.1);
        // The probe is N(0, width^-0.5): its sample deviation over 32 values within a third of 0.177.
        assertEquals(Math.pow(32, -0.5), Math.sqrt(meanSquare(sd.get("visual.attn_pool.probe").data())), 0.06);
    }

    @Test
    void aSeedGivesTheSameSigLipBitsAndAnotherSeedOthers() {
        StateDict a = ClipInit.random(SIGLIP, 9).stateDict(), b = ClipInit.random(SIGLIP, 9).stateDict();
        StateDict c = ClipInit.random(SIGLIP, 10).stateDict();
        for (String name : a.all().keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
        }
        assertFalse(Arrays.equals(a.get("visual.attn_pool.probe").data(), c.get("visual.attn_pool.probe").data()));
    }

    @Test
    void aClipTowerDrawsFirstItsPatchWeightsThenItsClassEmbedding() {
        ClipConfig clip = new ClipConfig(16, ClipConfig.Vision.vit(16, 1, 32, 8), new ClipConfig.Text(8, 100, 32, 2, 1));
        StateDict sd = ClipInit.random(clip, 3).stateDict();
        SplittableRandom rng = new SplittableRandom(3);
        Tensor conv = Tensor.randn(rng, (float) Math.pow(3.0 * 8 * 8, -0.5), 32, 3, 8, 8);
        Tensor cls = Tensor.randn(rng, (float) Math.pow(32, -0.5), 32);
        assertArrayEquals(conv.data(), sd.get("visual.conv1.weight").data());
        assertArrayEquals(cls.data(), sd.get("visual.class_embedding").data());
        assertEquals((float) Math.log(1 / 0.07), sd.get("logit_scale").item());
        assertNull(sd.get("logit_bias"));
    }

    @Test
    void aTowerAloneIsFilledWithoutLogits() {
        Clip text = ClipInit.random(new ClipConfig(32, null, SIGLIP_TEXT), 2);
        assertNull(text.visual());
        assertNull(text.stateDict().get("logit_scale"));
        assertFalse(allZero(text.stateDict().get("text_projection.weight").data()));
        Clip image = ClipInit.random(new ClipConfig(32, SIGLIP_VISION, null), 2);
        assertFalse(allZero(image.stateDict().get("visual.attn_pool.probe").data()));
    }

    /**
     * Each preset's kind of model, in small (its options kept, its sizes shrunk): the benchmarks'
     * {@code --preset} and training from a model config start from these random weights.
     */
    @Test
    void everyPresetsKindOfModelStartsFromRandomWeights() {
        for (String preset : ClipPresets.names()) {
            ClipConfig small = small(ClipPresets.get(preset));
            StateDict sd = ClipInit.random(small, 1).stateDict();
            assertFalse(allZero(sd.get("positional_embedding").data()), preset);
            assertEquals(small.logitBias(), sd.get("logit_bias") != null, preset);
        }
    }

    private static ClipConfig small(ClipConfig c) {
        ClipConfig.Vision v = c.vision();
        ClipConfig.Text t = c.text();
        ClipConfig.Vision sv = v.isResNet()
                ? new ClipConfig.Vision(32, 32, new int[] {1, 1, 1, 1}, 8, 0, 2, 32, v.layerScale(), v.act(), v.lnEps(), v.lnPre(),
                        v.pool(), v.finalLnAfterPool(), v.classToken(), v.patchBias(), v.projection())
                : new ClipConfig.Vision(2 * v.patchSize(), 2 * v.patchSize(), new int[] {1}, 32, v.patchSize(), 2, 64, v.layerScale(),
                        v.act(), v.lnEps(), v.lnPre(), v.pool(), v.finalLnAfterPool(), v.classToken(), v.patchBias(), v.projection());
        ClipConfig.Text st = new ClipConfig.Text(Math.min(8, t.contextLength()), t.eosId() + 1, 32, 2, 1, 64, t.layerScale(),
                t.act(), t.lnEps(), t.causal(), t.pool(), t.eosId(), t.tokenizer(), t.projBias(), t.tokenizerKwargs());
        return new ClipConfig(v.projection() ? 16 : 32, sv, st, c.logitBias());
    }

    private static boolean allZero(float[] d) {
        for (float v : d) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static double mean(float[] d) {
        double s = 0;
        for (float v : d) {
            s += v;
        }
        return s / d.length;
    }

    private static double meanSquare(float[] d) {
        double s = 0;
        for (float v : d) {
            s += (double) v * v;
        }
        return s / d.length;
    }
}
