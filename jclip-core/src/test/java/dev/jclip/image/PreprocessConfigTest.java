package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.image.PreprocessConfig.Pipeline;
import dev.jclip.image.PreprocessConfig.ResizeMode;
import dev.jclip.image.PreprocessConfig.Rgb;
import dev.jclip.image.PreprocessConfig.Size;
import dev.jclip.io.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing of open_clip's {@code preprocess_cfg} and transformers' {@code preprocessor_config.json}. */
class PreprocessConfigTest {

    /** An empty {@code preprocess_cfg} is {@code PreprocessCfg()}'s defaults: OpenAI's transform at 224. */
    @Test
    void openClipDefaultsAreOpenAi() {
        assertEquals(PreprocessConfig.openAi(224), PreprocessConfig.fromOpenClip(Map.of()));
        assertEquals(PreprocessConfig.openAi(336), PreprocessConfig.fromOpenClip(Json.parseObject("""
                {"size": 336, "mode": "RGB", "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0,
                 "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}""")));
        // The model's image size replaces size; keys outside PreprocessCfg and nulls are ignored, as merge_preprocess_dict does.
        assertEquals(PreprocessConfig.openAi(256), PreprocessConfig.fromOpenClip(
                Json.parseObject("{\"size\": 224, \"image_size\": 99, \"interpolation\": null}"), Size.square(256)));
    }

    /** A SigLIP-style hub config: squash, bicubic, mean and std 0.5 (a scalar stands for all channels), no crop. */
    @Test
    void openClipSquash() {
        PreprocessConfig c = PreprocessConfig.fromOpenClip(Json.parseObject(
                "{\"size\": [224, 320], \"resize_mode\": \"squash\", \"mean\": 0.5, \"std\": [0.5, 0.5, 0.5]}"));
        assertEquals(new PreprocessConfig(Pipeline.OPEN_CLIP, ResizeMode.SQUASH, new Size(224, 320),
                Interpolation.BICUBIC, null, 0, 1.0 / 255, new Rgb(0.5, 0.5, 0.5), new Rgb(0.5, 0.5, 0.5)), c);
        assertEquals(new Size(224, 320), c.outputSize());
    }

    /**
     * open_clip's quirks: a non-square "shortest" resize is ResizeKeepRatio without the
     * interpolation (always bicubic); only "longest" pads with fill_color; "random" is bicubic.
     */
    @Test
    void openClipQuirks() {
        PreprocessConfig keepRatio = PreprocessConfig.fromOpenClip(
                Json.parseObject("{\"size\": [24, 40], \"interpolation\": \"bilinear\", \"fill_color\": 128}"));
        assertEquals(Interpolation.BICUBIC, keepRatio.interpolation());
        assertEquals(new Size(24, 40), keepRatio.cropSize());
        assertEquals(0, keepRatio.fillColor());
        PreprocessConfig longest = PreprocessConfig.fromOpenClip(Json.parseObject(
                "{\"size\": 32, \"resize_mode\": \"longest\", \"interpolation\": \"bilinear\", \"fill_color\": 128}"));
        assertEquals(ResizeMode.LONGEST, longest.resizeMode());
        assertEquals(Interpolation.BILINEAR, longest.interpolation());
        assertEquals(128, longest.fillColor());
        assertEquals(Interpolation.BICUBIC,
                PreprocessConfig.fromOpenClip(Json.parseObject("{\"interpolation\": \"random\"}")).interpolation());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"resize_mode": "crop"}          | open_clip preprocess_cfg: resize_mode is "crop", expected one of shortest, longest, squash
            {"interpolation": "nearest"}     | open_clip preprocess_cfg: interpolation is "nearest", expected one of bicubic, bilinear, random
            {"interpolation": 3}             | open_clip preprocess_cfg: interpolation is 3, expected a string
            {"mode": "L"}                    | open_clip preprocess_cfg: mode is "L", expected "RGB"
            {"fill_color": 300}              | open_clip preprocess_cfg: fill_color is 300, expected an integer 0..255
            {"fill_color": [0, 0, 0]}        | open_clip preprocess_cfg: fill_color is [0, 0, 0], expected an integer 0..255
            {"mean": [0.5, 0.5]}             | open_clip preprocess_cfg: mean is [0.5, 0.5], expected a number or a list of 1 or 3 numbers
            {"size": [1, 2, 3]}              | open_clip preprocess_cfg: size is [1, 2, 3], expected an integer, [height, width] or {"height", "width"}
            {"size": 0}                      | open_clip preprocess_cfg: size is 0, expected a positive integer
            """)
    void openClipRejects(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreprocessConfig.fromOpenClip(Json.parseObject(json)));
        assertEquals(message, e.getMessage());
    }

    /** openai/clip-vit-base-patch32's file (old style: bare ints) is CLIPImageProcessor's defaults. */
    @Test
    void huggingFaceClipVitB32() {
        PreprocessConfig expected = new PreprocessConfig(Pipeline.TRANSFORMERS, ResizeMode.SHORTEST, Size.square(224),
                Interpolation.BICUBIC, Size.square(224), 0, 1.0 / 255, PreprocessConfig.OPENAI_MEAN,
                PreprocessConfig.OPENAI_STD);
        assertEquals(expected, PreprocessConfig.fromHuggingFace(Json.parseObject("""
                {"crop_size": 224, "do_center_crop": true, "do_normalize": true, "do_resize": true,
                 "feature_extractor_type": "CLIPFeatureExtractor",
                 "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
                 "resample": 3, "size": 224}""")));
        assertEquals(expected, PreprocessConfig.fromHuggingFace(Map.of()));
        assertEquals(expected, PreprocessConfig.fromHuggingFace(Json.parseObject(
                "{\"size\": {\"shortest_edge\": 224}, \"crop_size\": {\"height\": 224, \"width\": 224},"
                        + " \"image_processor_type\": \"CLIPImageProcessor\"}")));
    }

    /** Each flag off, a height/width size, bilinear. */
    @Test
    void huggingFaceVariants() {
        PreprocessConfig c = PreprocessConfig.fromHuggingFace(Json.parseObject("""
                {"size": {"height": 30, "width": 44}, "resample": 2, "do_center_crop": false,
                 "do_rescale": false, "do_normalize": false}"""));
        assertEquals(new PreprocessConfig(Pipeline.TRANSFORMERS, ResizeMode.SQUASH, new Size(30, 44),
                Interpolation.BILINEAR, null, 0, 1.0, new Rgb(0, 0, 0), new Rgb(1, 1, 1)), c);
        PreprocessConfig noResize = PreprocessConfig.fromHuggingFace(
                Json.parseObject("{\"do_resize\": false, \"crop_size\": [36, 28]}"));
        assertEquals(ResizeMode.NONE, noResize.resizeMode());
        assertNull(noResize.resizeSize());
        assertEquals(new Size(36, 28), noResize.outputSize());
        assertNull(PreprocessConfig.fromHuggingFace(Json.parseObject("{\"do_center_crop\": false}")).outputSize());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"resample": 0}                                        | preprocessor_config.json: resample is 0, expected 2 (bilinear) or 3 (bicubic)
            {"resample": 1}                                        | preprocessor_config.json: resample is 1, expected 2 (bilinear) or 3 (bicubic)
            {"size": {"shortest_edge": 224, "longest_edge": 448}}  | preprocessor_config.json: size is {shortest_edge=224, longest_edge=448}, expected an integer, {"shortest_edge"}, [height, width] or {"height", "width"}
            {"image_processor_type": "ViTImageProcessor"}          | preprocessor_config.json: image_processor_type is "ViTImageProcessor", expected a CLIP or SigLIP image processor (CLIPImageProcessor, CLIPImageProcessorFast, CLIPFeatureExtractor, SiglipImageProcessor, SiglipImageProcessorFast)
            {"image_processor_type": "Siglip2ImageProcessor"}      | preprocessor_config.json: image_processor_type is "Siglip2ImageProcessor", expected a fixed-resolution processor (SiglipImageProcessor): SigLIP 2's NaFlex resizing keeps each image's aspect ratio, which jclip does not run
            {"do_convert_rgb": false}                              | preprocessor_config.json: do_convert_rgb is false, expected true (jclip converts every image to RGB)
            {"do_pad": true}                                       | preprocessor_config.json: do_pad is true, expected false (padding to a batch size is not supported)
            {"do_resize": "yes"}                                   | preprocessor_config.json: do_resize is "yes", expected true or false
            {"rescale_factor": -1}                                 | preprocessor_config.json: rescale_factor is -1, expected a positive number
            {"image_std": [1, 2]}                                  | preprocessor_config.json: image_std is [1, 2], expected a number or a list of 1 or 3 numbers
            {"crop_size": {"height": 224}}                         | preprocessor_config.json: crop_size is {height=224}, expected an integer, [height, width] or {"height", "width"}
            {"image_mean": null}                                   | preprocessor_config.json: image_mean is null, expected a value (transformers does not read null as the default)
            {"do_center_crop": null}                               | preprocessor_config.json: do_center_crop is null, expected a value (transformers does not read null as the default)
            """)
    void huggingFaceRejects(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreprocessConfig.fromHuggingFace(Json.parseObject(json)));
        assertEquals(message, e.getMessage());
    }

    /** open_clip's ToTensor always divides by 255: another rescale cannot be expressed. */
    @Test
    void openClipPipelineKeepsItsRescale() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PreprocessConfig(Pipeline.OPEN_CLIP, ResizeMode.SQUASH, Size.square(8), Interpolation.BICUBIC,
                        null, 0, 1.0, PreprocessConfig.OPENAI_MEAN, PreprocessConfig.OPENAI_STD));
        assertEquals("open_clip always rescales by 1/255, got 1.0", e.getMessage());
    }
}
