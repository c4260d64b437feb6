package dev.jclip.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.image.PreprocessConfig;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipPresets;
import dev.jclip.model.ConfigCases;
import dev.jclip.text.HfVocab;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models by hub name: the same model as from a local folder, whichever way it is named. */
class HubModelTest {
    @TempDir
    Path tmp;

    private FakeHub hub;
    private HubClient client;
    private Path vocab;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        client = new HubClient(new HubSettings(hub.endpoint(), tmp.resolve("cache"), null, false));
        vocab = HfVocab.write(Files.createDirectories(tmp.resolve("vocab")), List.of("h e", "l l", "he ll", "hell o</w>"), true);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** Puts every file of {@code folder} into {@code repo}; safetensors as LFS files, as on the hub. */
    private void publish(String repo, Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                hub.put(repo, f.getFileName().toString(), Files.readAllBytes(f), f.toString().endsWith(".safetensors"));
            }
        }
    }

    private Path folder(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void aTransformersRepositoryByName() throws IOException {
        Path local = ConfigCases.writeHuggingFaceFolder(ConfigCases.get("hf_cases", "hf-gelu-mlp3"), folder("hf"));
        Files.copy(vocab.resolve("vocab.json"), local.resolve("vocab.json"));
        Files.copy(vocab.resolve("merges.txt"), local.resolve("merges.txt"));
        publish("openai/tiny-clip", local);
        ClipModel expected = ClipModel.load(local);
        for (String name : List.of("openai/tiny-clip", "openai/tiny-clip@main", "openai/tiny-clip@" + hub.commit("openai/tiny-clip"))) {
            ClipModel m = ClipModel.load(name, null, null, client);
            assertEquals(expected.id(), m.id(), name);
            assertArrayEquals(expected.embedImages(picture())[0], m.embedImages(picture())[0], name);
            assertArrayEquals(expected.embedTexts(List.of("hello"))[0], m.embedTexts(List.of("hello"))[0], name);
        }
    }

    @Test
    void anOpenClipRepositoryWithoutVocabularyGetsClipsBpe() throws IOException {
        Path local = ConfigCases.writeOpenClipFolder(ConfigCases.get("open_clip_cases", "ViT-B-32"),
                "{\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5]}", folder("oc"));
        publish("laion/tiny-clip", local);
        publish(HubModel.CLIP_BPE_REPO, vocab);
        ClipModel expected = ClipModel.load(local, vocab, null);
        for (String name : List.of("hf-hub:laion/tiny-clip", "laion/tiny-clip")) {
            ClipModel m = ClipModel.load(name, null, null, client);
            assertEquals(expected.id(), m.id(), name);
            assertEquals(0.5, m.preprocessor().config().mean().r(), name);
            assertArrayEquals(expected.embedImages(picture())[0], m.embedImages(picture())[0], name);
            assertArrayEquals(expected.embedTexts(List.of("hello"))[0], m.embedTexts(List.of("hello"))[0], name);
        }
        assertTrue(hub.log().contains("GET /openai/clip-vit-base-patch32/resolve/main/merges.txt"), hub.log().toString());
    }

    @Test
    void siglipRepositoriesByNameGetTheirHuggingFaceTokenizer() throws Exception {
        Path parity = Path.of(HubModelTest.class.getResource("/parity/siglip").toURI());
        Path hf = parity.resolve("siglip-hf"), oc = parity.resolve("siglip-openclip");
        publish("google/tiny-siglip", hf);
        for (String f : List.of("open_clip_config.json", "open_clip_model.safetensors")) {
            hub.put("timm/tiny-siglip", f, Files.readAllBytes(oc.resolve(f)), f.endsWith(".safetensors"));
        }
        // The open_clip config names the tokenizer repository jclip-test/tiny.
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            hub.put("jclip-test/tiny", f, Files.readAllBytes(oc.resolve(f)), false);
        }
        List<String> texts = List.of("A Photo of a DOG!", "über-café");
        for (var c : List.of(Map.entry("google/tiny-siglip", hf), Map.entry("hf-hub:timm/tiny-siglip", oc))) {
            ClipModel expected = ClipModel.load(c.getValue());
            ClipModel m = ClipModel.load(c.getKey(), null, null, client);
            assertTrue(m.config().sigmoid(), c.getKey());
            assertArrayEquals(expected.tokenize(texts), m.tokenize(texts), c.getKey());
            assertArrayEquals(expected.embedTexts(texts)[1], m.embedTexts(texts)[1], c.getKey());
        }
    }

    @Test
    void siglipPretrainedTagsFetchTheTokenizerTheConfigNames() throws IOException {
        Pretrained webli = Pretrained.get("ViT-B-16-SigLIP", "webli");
        assertEquals("timm/ViT-B-16-SigLIP", webli.repo());
        assertEquals("squash", webli.preprocess().get("resize_mode"));
        hub.put(webli.repo(), "open_clip_model.safetensors", new byte[] {1, 2, 3}, true)
                .put(webli.repo(), "tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8), false);
        HubModel m = HubModel.pretrained("ViT-B-16-SigLIP", "webli", client);
        assertTrue(m.config().logitBias());
        assertEquals(Map.of("clean", "canonicalize"), m.config().text().tokenizerKwargs());
        assertEquals(tmp.resolve("cache/models--timm--ViT-B-16-SigLIP/snapshots/" + hub.commit(webli.repo())), m.vocab());
    }

    @Test
    void pickleWeightsAreRefusedByName() {
        hub.put("laion/pickled", "open_clip_config.json", "{\"model_cfg\": {}}".getBytes(StandardCharsets.UTF_8), false)
                .put("laion/pickled", "open_clip_pytorch_model.bin", new byte[10], true);
        IOException e = assertThrows(IOException.class, () -> ClipModel.load("hf-hub:laion/pickled", null, null, client));
        assertTrue(e.getMessage().contains("laion/pickled has its weights only as a PyTorch pickle (open_clip_pytorch_model.bin)"),
                e.getMessage());
    }

    @Test
    void aNameThatIsNeitherAFileNorAHubNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipModel.load(tmp.resolve("nothing here").toString(), null, null, client));
        assertTrue(e.getMessage().startsWith("no model file or folder at " + tmp.resolve("nothing here")), e.getMessage());
    }

    @Test
    void pretrainedTagsAreOpenClips() throws IOException {
        Pretrained openai = Pretrained.get("ViT-B-32", "openai");
        assertEquals("timm/vit_base_patch32_clip_224.openai", openai.repo());
        assertTrue(openai.quickGelu());
        Pretrained laion = Pretrained.get("ViT-B-32", "laion2b_s34b_b79k");
        assertEquals("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", laion.repo());
        assertEquals(false, laion.quickGelu());
        assertEquals("bicubic", laion.preprocess().get("interpolation"));
        assertEquals("shortest", laion.preprocess().get("resize_mode"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pretrained.get("ViT-B-32", "laion5b"));
        assertTrue(e.getMessage().contains("'laion5b' is not a pretrained tag of ViT-B-32") && e.getMessage().contains("laion2b_s34b_b79k"),
                e.getMessage());

        hub.put(laion.repo(), "open_clip_model.safetensors", new byte[] {1, 2, 3}, true);
        publish(HubModel.CLIP_BPE_REPO, vocab);
        HubModel m = HubModel.pretrained("ViT-B-32", "laion2b_s34b_b79k", client);
        assertEquals(ClipPresets.get("ViT-B-32"), m.config());
        assertEquals(laion.preprocess(), m.preprocess());
        assertEquals(tmp.resolve("cache/models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K/snapshots/" + hub.commit(laion.repo())
                + "/open_clip_model.safetensors"), m.weights());
        assertEquals(tmp.resolve("cache/models--openai--clip-vit-base-patch32/snapshots/" + hub.commit(HubModel.CLIP_BPE_REPO)),
                m.vocab());
    }

    @Test
    void aNameThatFixesTheArchitectureAndPreprocessingUsesThem() throws IOException {
        Map<String, Object> c = ConfigCases.get("open_clip_cases", "ViT-B-32");
        Path local = ConfigCases.writeOpenClipFolder(c, "{}", folder("oc"));
        // The config beside the weights says otherwise: a name that fixes the architecture wins, as in open_clip.
        Files.writeString(local.resolve("open_clip_config.json"), "{\"model_cfg\": {\"embed_dim\": 3}}");
        ClipConfig config = ClipConfig.fromOpenClipJson(ConfigCases.json(c.get("shrunk")));
        HubModel named = new HubModel("tiny:tag", local.resolve("open_clip_model.safetensors"), vocab, config,
                Map.of("mean", List.of(0.5, 0.5, 0.5), "std", List.of(0.5, 0.5, 0.5), "resize_mode", "squash"));
        ClipModel m = ClipModel.load(named, null, null);
        PreprocessConfig p = m.preprocessor().config();
        assertEquals(PreprocessConfig.ResizeMode.SQUASH, p.resizeMode());
        assertEquals(0.5, p.std().b());
        assertTrue(m.hasTokenizer());
        Path reference = ConfigCases.writeOpenClipFolder(c, "{\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5],\"resize_mode\":\"squash\"}",
                folder("reference"));
        assertArrayEquals(ClipModel.load(reference, vocab, null).embedImages(picture())[0], m.embedImages(picture())[0]);
        String weights = FakeHub.hex(FakeHub.digest("SHA-256", Files.readAllBytes(named.weights())));
        assertEquals("custom:" + weights, m.id(), "the id hashes the weights alone: the name fixes the rest");
    }

    /** A 40×30 picture with a gradient. */
    private static List<BufferedImage> picture() {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 128);
            }
        }
        return List.of(image);
    }
}
