package dev.jclip.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.nn.Clip;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Reduce;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with transformers' {@code SiglipModel} and {@code Siglip2Model} (fixed resolution) and
 * OpenCLIP's SigLIP on a timm trunk: tiny random-init models made by
 * {@code parity/make_siglip_cases.py} (test resources {@code parity/siglip/}), whose image and text
 * features and logits (with {@code logit_bias}) jclip must give within 1e-4 of the largest
 * magnitude, from the same inputs.
 */
class SiglipParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"siglip-hf", "siglip2-hf", "siglip-openclip"})
    void featuresAndLogitsMatchTheLibrary(String name) throws Exception {
        Path dir = resource("parity/siglip/" + name);
        Clip clip = ClipWeights.load(dir);
        assertNotNull(clip.logitBias(), "a SigLIP model has logit_bias");
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors")); var _ = GradMode.noGrad()) {
            Tensor img = clip.encodeImage(io.tensor("input.images"));
            Tensor txt = clip.encodeText(io.ints("input.tokens"));
            double worst = Math.max(assertClose(io, "output.image_features", img), assertClose(io, "output.text_features", txt));
            worst = Math.max(worst, assertClose(io, "output.logits_per_image", clip.logitsPerImage(img, txt)));
            System.out.printf("%s: worst relative error %.2e%n", name, worst);
        }
    }

    /**
     * Training through the towers: the gradients of {@code sum(image · probe) + sum(text · probe)}
     * match PyTorch's (kept as a model in OpenCLIP's layout, so the names map as the weights') within
     * 1e-3 per tensor; {@code logit_scale} and {@code logit_bias} get none from the features.
     */
    @Test
    void gradientsThroughTheTowersMatchPyTorch() throws Exception {
        Path dir = resource("parity/siglip/siglip-openclip");
        Clip clip = ClipWeights.load(dir);
        Clip reference = ClipWeights.load(dir.resolve("grads"));
        clip.train(true);
        try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors"))) {
            Tensor img = clip.encodeImage(io.tensor("input.images"));
            Tensor txt = clip.encodeText(io.ints("input.tokens"));
            Elementwise.add(Reduce.sum(Elementwise.mul(img, io.tensor("probe.image"))),
                    Reduce.sum(Elementwise.mul(txt, io.tensor("probe.text")))).backward();
        }
        double worst = 0;
        for (var e : clip.stateDict().parameters().entrySet()) {
            Tensor expected = reference.stateDict().get(e.getKey());
            float[] grad = e.getValue().grad();
            if (e.getKey().startsWith("logit_")) {
                assertNull(grad, e.getKey());
                assertEquals(0f, expected.item(), e.getKey());
                continue;
            }
            assertNotNull(grad, "no gradient reached " + e.getKey());
            worst = Math.max(worst, Fixtures.assertClose("grad " + e.getKey(), expected.shape(), expected.data(),
                    e.getValue().shape(), grad, 1e-3));
        }
        System.out.printf("siglip-openclip gradients: worst relative error %.2e%n", worst);
    }

    @Test
    void singleTowersLoadFromTheirOwnFolders(@TempDir Path tmp) throws Exception {
        Path dir = resource("parity/siglip/siglip-hf");
        String config = Files.readString(dir.resolve("config.json"));
        for (String tower : new String[] {"vision", "text"}) {
            // A SiglipVisionModel / SiglipTextModel folder: the tower's config at the top, its tensors only.
            String towerConfig = config.substring(config.indexOf("\"" + tower + "_config\""));
            towerConfig = towerConfig.substring(towerConfig.indexOf('{'), towerConfig.indexOf('}') + 1);
            Path folder = Files.createDirectories(tmp.resolve(tower));
            Files.writeString(folder.resolve("config.json"), towerConfig);
            SafeTensorsWriter w = new SafeTensorsWriter();
            try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
                for (String n : st.names()) {
                    if (n.startsWith(tower + "_model.")) {
                        w.add(n, st.floats(n), st.info(n).shape());
                    }
                }
            }
            w.write(folder.resolve("model.safetensors"));
            Clip clip = ClipWeights.load(folder);
            assertNull(clip.logitBias());
            try (SafeTensors io = SafeTensors.open(dir.resolve("io.safetensors")); var _ = GradMode.noGrad()) {
                if (tower.equals("vision")) {
                    assertNull(clip.text());
                    assertClose(io, "output.image_features", clip.encodeImage(io.tensor("input.images")));
                } else {
                    assertNull(clip.visual());
                    assertClose(io, "output.text_features", clip.encodeText(io.ints("input.tokens")));
                }
            }
        }
    }

    @Test
    void savedSiglipModelLoadsBackWithItsLogitBias(@TempDir Path tmp) throws Exception {
        Clip clip = ClipWeights.load(resource("parity/siglip/siglip-openclip"));
        Path file = tmp.resolve("saved.safetensors");
        ClipWeights.save(clip, file);
        Clip back = ClipWeights.load(file);
        assertEquals(ClipConfig.of(clip), ClipConfig.of(back));
        assertEquals(clip.logitBias().item(), back.logitBias().item());
        try (SafeTensors io = SafeTensors.open(resource("parity/siglip/siglip-openclip").resolve("io.safetensors"));
             var _ = GradMode.noGrad()) {
            assertClose(io, "output.image_features", back.encodeImage(io.tensor("input.images")));
        }
    }

    @Test
    void openClipSiglipPresetConfigsParse() {
        String json = """
                {"embed_dim": 768, "init_logit_bias": -10, "custom_text": true,
                 "vision_cfg": {"image_size": 224, "timm_model_name": "vit_base_patch16_siglip_224",
                   "timm_model_pretrained": false, "timm_pool": "map", "timm_proj": "none"},
                 "text_cfg": {"context_length": 64, "vocab_size": 256000, "hf_tokenizer_name": "timm/ViT-B-16-SigLIP2",
                   "tokenizer_kwargs": {"clean": "canonicalize"}, "width": 768, "heads": 12, "layers": 12,
                   "no_causal_mask": true, "proj_bias": true, "pool_type": "last", "norm_kwargs": {"eps": 1e-6},
                   "act_kwargs": {"approximate": "tanh"}}}""";
        ClipConfig c = ClipConfig.fromOpenClipJson(json);
        assertTrue(c.logitBias());
        assertEquals(224, c.vision().imageSize());
        assertEquals(16, c.vision().patchSize());
        assertEquals(12, c.vision().heads());
        assertEquals(3072, c.vision().mlpWidth());
        assertEquals(Gelu.ERF, c.vision().act());
        assertEquals(Gelu.TANH, c.text().act());
        assertTrue(c.text().projBias());
        assertEquals(c, ClipConfig.fromOpenClipJson(c.toOpenClipJson()));
    }

    private static double assertClose(SafeTensors io, String name, Tensor actual) {
        return Fixtures.assertClose(name, io.info(name).shape(), io.floats(name), actual.shape(), actual.data(), 1e-4);
    }

    private static Path resource(String name) throws URISyntaxException {
        URL url = SiglipParityTest.class.getResource("/" + name);
        assertNotNull(url, "missing test resource folder " + name);
        return Path.of(url.toURI());
    }
}
