package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.image.PreprocessConfig;
import dev.jclip.model.ConfigCases;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ClipModel#load} takes from the files beside the weights: preprocessing, tokenizer, activation. */
class ModelConfigFilesTest {
    @TempDir
    Path dir;

    private Path openClipFolder(String name, String preprocessCfg) throws IOException {
        return openClipFolder(ConfigCases.get("open_clip_cases", name), preprocessCfg);
    }

    private Path openClipFolder(Map<String, Object> c, String preprocessCfg) throws IOException {
        return ConfigCases.writeOpenClipFolder(c, preprocessCfg, dir);
    }

    @Test
    void preprocessingComesFromTheOpenClipConfig() throws IOException {
        Path model = openClipFolder("ViT-B-32", "{\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5],\"interpolation\":\"bilinear\","
                + "\"resize_mode\":\"squash\"}");
        PreprocessConfig p = ClipModel.load(model).preprocessor().config();
        assertEquals(PreprocessConfig.ResizeMode.SQUASH, p.resizeMode());
        assertEquals(0.5, p.mean().r());
        assertEquals(PreprocessConfig.Size.square(224), p.outputSize());
    }

    @Test
    void aNonSquareTowerGetsNonSquareImages() throws IOException {
        Path model = openClipFolder(ConfigCases.get("custom_cases", "ViT-B-32 224x320"), "{}");
        ClipModel clip = ClipModel.load(model);
        assertEquals(new PreprocessConfig.Size(224, 320), clip.preprocessor().config().outputSize());
        float[] e = clip.embedImages(picture())[0];
        assertEquals(1.0, Math.sqrt(dot(e, e)), 1e-5);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void aConfigThatDoesNotFitItsWeightsIsNamed() throws IOException {
        Path model = openClipFolder("ViT-B-32", "{}");
        Path config = model.resolve("open_clip_config.json");
        Files.writeString(config, Files.readString(config).replace("\"patch_size\":32", "\"patch_size\":32,\"mlp_ratio\":2"));
        String m = assertThrows(IllegalArgumentException.class, () -> ClipModel.load(model)).getMessage();
        assertTrue(m.contains("does not fit the model that " + config.toAbsolutePath() + " describes"), m);
        assertTrue(m.contains("visual.transformer.resblocks.0.mlp.c_fc.weight"), m);
        Files.writeString(config, "{\"model_cfg\": {");
        m = assertThrows(IllegalArgumentException.class, () -> ClipModel.load(model)).getMessage();
        assertTrue(m.startsWith(config.toAbsolutePath().toString()), m);
    }

    @Test
    void withoutAPreprocessConfigImagesAreOpenAis() throws IOException {
        Path model = openClipFolder("ViT-B-32", "{}");
        assertEquals(PreprocessConfig.openAi(224), ClipModel.load(model).preprocessor().config());
    }

    @Test
    void aTextTowerWithAnotherTokenizerEmbedsImagesOnly() throws IOException {
        Path model = openClipFolder("ViT-L-14-CLIPA", "{}");
        ClipModel clip = ClipModel.load(model);
        assertFalse(clip.hasTokenizer());
        String m = assertThrows(IllegalStateException.class, clip::tokenizer).getMessage();
        assertTrue(m.contains("'bert-base-uncased'"), m);
        assertEquals(1, clip.embedImages(picture()).length);
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "{}");
        m = assertThrows(IllegalArgumentException.class, () -> ClipModel.load(model, vocab)).getMessage();
        assertTrue(m.contains("'bert-base-uncased'"), m);
    }

    @Test
    void anExplicitActivationIsPartOfTheId() throws IOException {
        Path model = openClipFolder("ViT-B-32", "{}");
        ClipModel asFiles = ClipModel.load(model), quick = ClipModel.load(model, null, Gelu.QUICK);
        assertEquals(Gelu.ERF, asFiles.config().vision().act());
        assertEquals(Gelu.QUICK, quick.config().vision().act());
        assertTrue(quick.id().endsWith(":quick"), quick.id());
        assertNotEquals(asFiles.id(), quick.id());
        float[] a = asFiles.embedImages(picture())[0], b = quick.embedImages(picture())[0];
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(a, ClipModel.load(model, null, Gelu.ERF).embedImages(picture())[0]);
    }

    private Path huggingFaceFolder(String group, String name) throws IOException {
        return ConfigCases.writeHuggingFaceFolder(ConfigCases.get(group, name), dir);
    }

    @Test
    void preprocessingComesFromTheHuggingFacePreprocessorConfig() throws IOException {
        huggingFaceFolder("hf_cases", "hf-gelu-mlp3");
        String before = ClipModel.load(dir).id();
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"image_processor_type\": \"CLIPImageProcessor\","
                + " \"do_resize\": true, \"size\": {\"shortest_edge\": 64}, \"resample\": 3, \"do_center_crop\": true,"
                + " \"crop_size\": {\"height\": 64, \"width\": 64}, \"do_rescale\": true, \"rescale_factor\": 0.00392156862745098,"
                + " \"do_normalize\": true, \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5], \"do_convert_rgb\": true}");
        ClipModel clip = ClipModel.load(dir);
        PreprocessConfig p = clip.preprocessor().config();
        assertEquals(PreprocessConfig.Pipeline.TRANSFORMERS, p.pipeline());
        assertEquals(0.5, p.std().g());
        assertNotEquals(before, clip.id(), "the preprocessing is part of the model id");
    }

    @Test
    void aHuggingFaceImageTowerAloneEmbedsImages() throws IOException {
        ClipModel clip = ClipModel.load(huggingFaceFolder("hf_single_tower_cases", "hf-vision-tower"));
        assertEquals(24, clip.embedImages(picture())[0].length);
        assertFalse(clip.hasTokenizer());
        String m = assertThrows(IllegalStateException.class, () -> clip.embedTokens(new int[][] {new int[77]})).getMessage();
        assertTrue(m.contains("an image tower alone"), m);
        m = assertThrows(IllegalStateException.class, () -> clip.classifier(List.of("cat"), List.of("{}"))).getMessage();
        assertTrue(m.contains("no zero-shot classifier"), m);
    }

    /** A 40×30 picture with a gradient. */
    private static List<BufferedImage> picture() {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | (x + y) * 3);
            }
        }
        return List.of(image);
    }
}
