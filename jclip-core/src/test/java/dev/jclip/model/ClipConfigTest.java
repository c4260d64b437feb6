package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.nn.Clip;
import dev.jclip.nn.StateDict;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClipConfigTest {

    private static Map<String, int[]> shapesOf(String fixture) throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(Shared.path(fixture))) {
            for (String n : st.names()) {
                shapes.put(n, st.info(n).shape());
            }
        }
        return shapes;
    }

    @Test
    @RequiresShared
    void infersTinyViTFromShapes() throws IOException {
        // fixtures/README.md: 32x32 images, patch 8, width 128, 2 layers per tower, vocab 1000, embed 64.
        ClipConfig c = ConfigInference.infer(shapesOf("fixtures/models/vit-tiny/open_clip_model.safetensors"));
        assertEquals(new ClipConfig(64, ClipConfig.Vision.vit(32, 2, 128, 8), new ClipConfig.Text(77, 1000, 128, 2, 2)), c);
    }

    @Test
    @RequiresShared
    void infersTinyResNetFromShapes() throws IOException {
        // fixtures/README.md: 64x64 images, layers [1,2,1,1], width 16; attention pool 512 channels, 8 heads.
        ClipConfig c = ConfigInference.infer(shapesOf("fixtures/models/rn-tiny/open_clip_model.safetensors"));
        assertEquals(new ClipConfig(64, ClipConfig.Vision.resnet(64, new int[] {1, 2, 1, 1}, 16),
                new ClipConfig.Text(77, 1000, 128, 2, 2)), c);
        assertEquals(8, c.vision().heads());
    }

    @Test
    @RequiresShared
    void stateDictNamesAreTheOriginalOnes() throws IOException {
        for (String m : new String[] {"vit-tiny", "rn-tiny"}) {
            Map<String, int[]> file = shapesOf("fixtures/models/" + m + "/open_clip_model.safetensors");
            StateDict sd = ConfigInference.infer(file).build().stateDict();
            assertEquals(file.keySet(), sd.all().keySet(), m);
            sd.all().forEach((n, t) -> assertArrayEquals(file.get(n), t.shape(), n));
            for (String b : sd.buffers().keySet()) {
                assertTrue(b.endsWith(".running_mean") || b.endsWith(".running_var"), b);
            }
            assertEquals(m.equals("rn-tiny") ? 2 * (3 + 3 * 5 + 4) : 0, sd.buffers().size(), m);
        }
    }

    @Test
    void vitB32HasOpenAIsParameterCount() {
        // OpenAI's notebook prints 151,277,313 for ViT-B/32. By hand: vision = conv 768·3·32·32 (2,359,296)
        // + class 768 + positions 50·768 (38,400) + ln_pre 1,536 + 12 blocks × 7,087,872 + ln_post 1,536
        // + proj 768·512 (393,216) = 87,849,216; text = tokens 49408·512 (25,296,896) + positions 77·512 (39,424)
        // + 12 blocks × 3,152,384 + ln_final 1,024 + projection 512·512 (262,144) = 63,428,096; + logit_scale 1.
        // A block of width w: in_proj 3w²+3w, out_proj w²+w, two LayerNorms 4w, c_fc 4w²+4w, c_proj 4w²+w.
        Clip clip = ClipPresets.get("ViT-B-32").build();
        StateDict sd = clip.stateDict();
        assertEquals(151_277_313L, sd.parameterCount());
        assertArrayEquals(new int[] {768, 3, 32, 32}, sd.get("visual.conv1.weight").shape());
        assertArrayEquals(new int[] {50, 768}, sd.get("visual.positional_embedding").shape());
        assertArrayEquals(new int[] {2304, 768}, sd.get("visual.transformer.resblocks.11.attn.in_proj_weight").shape());
        assertArrayEquals(new int[] {512, 512}, sd.get("text_projection").shape());
        assertEquals(ClipPresets.get("ViT-B-32"), ClipConfig.of(clip));
    }

    @Test
    void rn50HasOpenAIsParameterCount() {
        // 102,007,137, as OpenAI's notebook prints for RN50. By hand: stem 3·32·9 + 32·32·9 + 64·32·9 = 28,512
        // weights + BN 2·(32+32+64); bottleneck (inplanes i, planes p): p·i + 9p² + 4p² + BN 2·(p+p+4p),
        // plus 4p·i + 2·4p for a projected shortcut; stages [3,4,6,3] of planes 64·2^s; attention pool over
        // C = 2048: positions 50·C, q/k/v 3·(C²+C), c_proj 1024·C+1024; text tower of width 512 as in ViT-B-32
        // with a 512x1024 projection (63,690,240); logit_scale 1.
        StateDict sd = ClipPresets.get("RN50").build().stateDict();
        assertEquals(102_007_137L, sd.parameterCount());
        assertArrayEquals(new int[] {32, 3, 3, 3}, sd.get("visual.conv1.weight").shape());
        assertArrayEquals(new int[] {2048, 1024, 1, 1}, sd.get("visual.layer4.0.downsample.0.weight").shape());
        assertArrayEquals(new int[] {50, 2048}, sd.get("visual.attnpool.positional_embedding").shape());
        assertArrayEquals(new int[] {1024, 2048}, sd.get("visual.attnpool.c_proj.weight").shape());
        assertEquals(2048, sd.get("visual.layer4.2.bn3.running_var").numel());
    }

    /** The JSON of OpenCLIP 3.3's src/open_clip/model_configs/NAME.json, copied verbatim (whitespace aside). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "RN50|{\"embed_dim\": 1024, \"vision_cfg\": {\"image_size\": 224, \"layers\": [3, 4, 6, 3], \"width\": 64, \"patch_size\": null}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"layers\": 12}}",
        "RN101|{\"embed_dim\": 512, \"vision_cfg\": {\"image_size\": 224, \"layers\": [3, 4, 23, 3], \"width\": 64, \"patch_size\": null}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"layers\": 12}}",
        "RN50x4|{\"embed_dim\": 640, \"vision_cfg\": {\"image_size\": 288, \"layers\": [4, 6, 10, 6], \"width\": 80, \"patch_size\": null}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 640, \"heads\": 10, \"layers\": 12}}",
        "RN50x16|{\"embed_dim\": 768, \"vision_cfg\": {\"image_size\": 384, \"layers\": [6, 8, 18, 8], \"width\": 96, \"patch_size\": null}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 768, \"heads\": 12, \"layers\": 12}}",
        "RN50x64|{\"embed_dim\": 1024, \"vision_cfg\": {\"image_size\": 448, \"layers\": [3, 15, 36, 10], \"width\": 128, \"patch_size\": null}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 1024, \"heads\": 16, \"layers\": 12}}",
        "ViT-B-32|{\"embed_dim\": 512, \"vision_cfg\": {\"image_size\": 224, \"layers\": 12, \"width\": 768, \"patch_size\": 32}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"layers\": 12}}",
        "ViT-B-16|{\"embed_dim\": 512, \"vision_cfg\": {\"image_size\": 224, \"layers\": 12, \"width\": 768, \"patch_size\": 16}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"layers\": 12}}",
        "ViT-L-14|{\"embed_dim\": 768, \"vision_cfg\": {\"image_size\": 224, \"layers\": 24, \"width\": 1024, \"patch_size\": 14}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 768, \"heads\": 12, \"layers\": 12}}",
        "ViT-L-14-336|{\"embed_dim\": 768, \"vision_cfg\": {\"image_size\": 336, \"layers\": 24, \"width\": 1024, \"patch_size\": 14}, \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 768, \"heads\": 12, \"layers\": 12}}",
    })
    void presetsMatchOpenClipConfigs(String name, String json) {
        ClipConfig parsed = ClipConfig.fromOpenClipJson(json);
        assertEquals(ClipPresets.get(name), parsed);
        assertEquals(parsed, ClipConfig.fromOpenClipJson(parsed.toOpenClipJson()));
    }

    @Test
    void presetNamesAreOpenClips() {
        assertEquals(80, ClipPresets.names().size());
        assertTrue(ClipPresets.names().containsAll(List.of("ViT-B-16-SigLIP", "ViT-SO400M-14-SigLIP-384", "ViT-B-16-SigLIP2",
                "ViT-gopt-16-SigLIP2-384")), ClipPresets.names()::toString);
        assertTrue(ClipPresets.get("ViT-B-16-SigLIP").logitBias());
        assertEquals(27, ClipPresets.get("ViT-SO400M-14-SigLIP-384").vision().imageSize() / 14);
        assertTrue(ClipPresets.names().containsAll(List.of("RN50", "RN50-quickgelu", "RN50x64", "ViT-B-32", "ViT-B-32-quickgelu",
                "ViT-L-14-336", "ViT-H-14-378", "ViT-bigG-14", "ViT-bigG-14-CLIPA", "ViT-e-14", "ViT-S-16-alt")), ClipPresets.names()::toString);
        assertEquals(Gelu.ERF, ClipPresets.get("ViT-B-32").vision().act());
        assertEquals(Gelu.QUICK, ClipPresets.get("ViT-B-32-quickgelu").vision().act());
        assertEquals(ClipPresets.get("ViT-B-32").withAct(Gelu.QUICK), ClipPresets.get("ViT-B-32-quickgelu"));
        assertEquals(8192, ClipPresets.get("ViT-bigG-14").vision().mlpWidth());   // int(1664 · 4.9231)
        var e = assertThrows(IllegalArgumentException.class, () -> ClipPresets.get("ViT-B/32"));
        assertTrue(e.getMessage().contains("ViT-B-32"), e.getMessage());
    }

    @Test
    void refusesArchitecturesBeyondOpenAIs() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.fromOpenClipJson(
                "{\"embed_dim\": 512, \"vision_cfg\": {\"timm_model_name\": \"vit\", \"image_size\": 224},"
                        + " \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"layers\": 12}}"));
        assertTrue(e.getMessage().contains("vision_cfg.timm_model_name"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.fromOpenClipJson(
                "{\"embed_dim\": 512, \"vision_cfg\": {\"image_size\": 224, \"layers\": 12, \"width\": 768, \"patch_size\": 32},"
                        + " \"text_cfg\": {\"context_length\": 77, \"vocab_size\": 49408, \"width\": 512, \"heads\": 8, \"embed_cls\": true}}"));
        assertTrue(e.getMessage().contains("text_cfg.embed_cls"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipConfig.Vision.vit(224, 12, 768, 300));
        assertTrue(e.getMessage().contains("smaller than patch_size 300"), e.getMessage());
    }
}
