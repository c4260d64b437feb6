package dev.jclip.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a checkpoint's images are preprocessed: resize, center crop (padding where the
 * image is smaller), RGB conversion, rescale and normalize, with the exact semantics
 * of one of two libraries ({@link Pipeline}). Read it from an open_clip hub config
 * ({@link #fromOpenClip}) or a transformers {@code preprocessor_config.json}
 * ({@link #fromHuggingFace}); {@link #openAi} is OpenAI CLIP's own.
 *
 * @param pipeline      whose implementation the steps follow
 * @param resizeMode    how the image is resized
 * @param resizeSize    the target of the resize ({@link ResizeMode}); null for {@link ResizeMode#NONE}
 * @param interpolation the resampling filter (palette and bilevel images are resized nearest-neighbour in
 *                      {@link Pipeline#OPEN_CLIP}, as Pillow does)
 * @param cropSize      the center crop, or null for none (the output then has the resized size)
 * @param fillColor     the value (or, for palette images, the index) padding gets where the crop is larger
 *                      than the resized image
 * @param rescaleFactor what each 8-bit value is multiplied by before normalizing (1 for none); open_clip's
 *                      ToTensor always divides by 255
 * @param mean          per-channel mean subtracted after rescaling (0 for no normalization)
 * @param std           per-channel standard deviation divided by (1 for no normalization)
 */
public record PreprocessConfig(Pipeline pipeline, ResizeMode resizeMode, Size resizeSize, Interpolation interpolation,
                               Size cropSize, int fillColor, double rescaleFactor, Rgb mean, Rgb std) {

    /** OpenAI CLIP's per-channel mean ({@code OPENAI_DATASET_MEAN}). */
    public static final Rgb OPENAI_MEAN = new Rgb(0.48145466, 0.4578275, 0.40821073);
    /** OpenAI CLIP's per-channel standard deviation ({@code OPENAI_DATASET_STD}). */
    public static final Rgb OPENAI_STD = new Rgb(0.26862954, 0.26130258, 0.27577711);

    /** Whose implementation of the steps a config reproduces; they differ in order and rounding. */
    public enum Pipeline {
        /**
         * open_clip's {@code image_transform} (torchvision transforms on a Pillow image):
         * Pillow's resize and the pad/crop in the image's own mode, crop offsets
         * rounded half to even, then {@code convert("RGB")}, {@code ToTensor} (/255)
         * and {@code Normalize}.
         */
        OPEN_CLIP,
        /**
         * transformers 5's {@code CLIPImageProcessor}, which {@code AutoImageProcessor}
         * and {@code CLIPProcessor} give by default (the torchvision backend):
         * {@code convert("RGB")} first, torch's uint8 antialiased resize (which rounds
         * differently from Pillow's), crop offsets truncated, padding with 0, then
         * rescale and normalize fused as {@code (v - mean/r) / (std/r)} in float32.
         */
        TRANSFORMERS
    }

    /** How the image is resized to {@code resizeSize}. */
    public enum ResizeMode {
        /**
         * Scale to cover the target: for a square target the shorter side becomes
         * its side and the longer {@code int(side * long / short)} (torchvision's
         * {@code Resize(int)}); for another target (open_clip's
         * {@code ResizeKeepRatio}) both sides are divided by
         * {@code min(h / targetH, w / targetW)} and rounded half to even.
         */
        SHORTEST,
        /** Scale to fit inside the target: both sides divided by {@code max(h / targetH, w / targetW)}, rounded. */
        LONGEST,
        /** Resize to the target exactly, ignoring the aspect ratio. */
        SQUASH,
        /** No resize. */
        NONE
    }

    /** A height and a width in pixels, both positive. */
    public record Size(int height, int width) {
        /** Checks that both sides are positive. */
        public Size {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
            }
        }

        /** A square. */
        public static Size square(int side) {
            return new Size(side, side);
        }

        @Override
        public String toString() {
            return height + "x" + width;
        }
    }

    /** One value per channel, R, G, B. */
    public record Rgb(double r, double g, double b) {
        /** The value of channel {@code c} (0 = R). */
        public double get(int c) {
            return switch (c) {
                case 0 -> r;
                case 1 -> g;
                case 2 -> b;
                default -> throw new IndexOutOfBoundsException("channel " + c);
            };
        }
    }

    /** Checks the components: a resize size exactly when resizing, fill 0..255, finite mean and nonzero std. */
    public PreprocessConfig {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if ((resizeSize == null) != (resizeMode == ResizeMode.NONE)) {
            throw new IllegalArgumentException("resize mode " + resizeMode + " with resize size " + resizeSize);
        }
        if (fillColor < 0 || fillColor > 255) {
            throw new IllegalArgumentException("fill color must be 0..255, got " + fillColor);
        }
        if (!(rescaleFactor > 0 && Double.isFinite(rescaleFactor))) {
            throw new IllegalArgumentException("rescale factor must be positive, got " + rescaleFactor);
        }
        if (pipeline == Pipeline.OPEN_CLIP && rescaleFactor != 1.0 / 255) {
            throw new IllegalArgumentException("open_clip always rescales by 1/255, got " + rescaleFactor);
        }
        for (int c = 0; c < 3; c++) {
            if (!(std.get(c) != 0 && Double.isFinite(std.get(c)) && Double.isFinite(mean.get(c)))) {
                throw new IllegalArgumentException("mean " + mean + " and std " + std + " must be finite, std nonzero");
            }
        }
    }

    /** OpenAI CLIP's transform: shortest side to {@code size} (bicubic), center crop, OpenAI mean and std. */
    public static PreprocessConfig openAi(int size) {
        Size s = Size.square(size);
        return new PreprocessConfig(Pipeline.OPEN_CLIP, ResizeMode.SHORTEST, s, Interpolation.BICUBIC, s, 0,
                1.0 / 255, OPENAI_MEAN, OPENAI_STD);
    }

    /** The height and width of every output, or null when it depends on the image (no crop, no squash). */
    public Size outputSize() {
        if (cropSize != null) {
            return cropSize;
        }
        return resizeMode == ResizeMode.SQUASH ? resizeSize : null;
    }

    // ---------------------------------------------------------------- open_clip

    /**
     * The {@code preprocess_cfg} object of an open_clip hub {@code open_clip_config.json}
     * (or a pretrained tag's), merged over {@code PreprocessCfg}'s defaults as
     * {@code merge_preprocess_dict} does: keys outside {@code PreprocessCfg} and null
     * values are ignored. {@code size} (an int or {@code [height, width]}) defaults to
     * 224; open_clip then replaces it by the model's image size, which
     * {@link #fromOpenClip(Map, Size)} does.
     *
     * @throws IllegalArgumentException naming the key and value open_clip would reject or jclip does not support
     */
    public static PreprocessConfig fromOpenClip(Map<String, Object> preprocessCfg) {
        Object size = preprocessCfg.get("size");
        return fromOpenClip(preprocessCfg, size == null ? Size.square(224) : size(size, "open_clip preprocess_cfg", "size"));
    }

    /** As {@link #fromOpenClip(Map)}, with the model's image size in place of {@code size}. */
    public static PreprocessConfig fromOpenClip(Map<String, Object> preprocessCfg, Size imageSize) {
        String where = "open_clip preprocess_cfg";
        Object colorMode = preprocessCfg.get("mode");
        if (colorMode != null && !colorMode.equals("RGB")) {
            throw invalid(where, "mode", colorMode, "\"RGB\"");
        }
        String resize = string(preprocessCfg, where, "resize_mode", "shortest");
        ResizeMode mode = switch (resize) {
            case "shortest" -> ResizeMode.SHORTEST;
            case "longest" -> ResizeMode.LONGEST;
            case "squash" -> ResizeMode.SQUASH;
            default -> throw invalid(where, "resize_mode", resize, "one of shortest, longest, squash");
        };
        String interpolationName = string(preprocessCfg, where, "interpolation", "bicubic");
        Interpolation interpolation = switch (interpolationName) {
            // open_clip reads "random" as bicubic outside training.
            case "bicubic", "random" -> Interpolation.BICUBIC;
            case "bilinear" -> Interpolation.BILINEAR;
            default -> throw invalid(where, "interpolation", interpolationName, "one of bicubic, bilinear, random");
        };
        if (mode == ResizeMode.SHORTEST && imageSize.height() != imageSize.width()) {
            // open_clip builds ResizeKeepRatio(image_size) here without passing the interpolation on.
            interpolation = Interpolation.BICUBIC;
        }
        Object fill = preprocessCfg.get("fill_color");
        if (fill != null && !(fill instanceof Long v && v >= 0 && v <= 255)) {
            throw invalid(where, "fill_color", fill, "an integer 0..255");
        }
        // Only "longest" pads with fill_color; torchvision's CenterCrop pads with 0.
        int fillColor = mode == ResizeMode.LONGEST && fill != null ? (int) (long) (Long) fill : 0;
        Object mean = preprocessCfg.get("mean"), std = preprocessCfg.get("std");
        return new PreprocessConfig(Pipeline.OPEN_CLIP, mode, imageSize, interpolation,
                mode == ResizeMode.SQUASH ? null : imageSize, fillColor, 1.0 / 255,
                mean == null ? OPENAI_MEAN : rgb(mean, where, "mean"),
                std == null ? OPENAI_STD : rgb(std, where, "std"));
    }

    // ---------------------------------------------------------------- transformers

    /** Processor types whose behaviour {@link #fromHuggingFace} reproduces. */
    private static final List<String> CLIP_PROCESSORS =
            List.of("CLIPImageProcessor", "CLIPImageProcessorFast", "CLIPFeatureExtractor", "SiglipImageProcessor",
                    "SiglipImageProcessorFast");

    /** What {@code SiglipImageProcessor} has by default where {@code CLIPImageProcessor} differs. */
    private static final Map<String, Object> SIGLIP_DEFAULTS = Map.of("size", Map.of("height", 224L, "width", 224L),
            "do_center_crop", false, "image_mean", List.of(0.5, 0.5, 0.5), "image_std", List.of(0.5, 0.5, 0.5));

    /**
     * A transformers {@code preprocessor_config.json} of {@code CLIPImageProcessor},
     * run as transformers 5 runs it by default (see {@link Pipeline#TRANSFORMERS}).
     * Missing keys take CLIPImageProcessor's defaults: {@code do_resize} with
     * {@code size} {@code {"shortest_edge": 224}} (a bare int is a shortest edge,
     * {@code {"height", "width"}} squashes), {@code resample} 3 (bicubic; 2 is
     * bilinear), {@code do_center_crop} with {@code crop_size} 224 (an int or
     * {@code {"height", "width"}}), {@code do_rescale} by {@code rescale_factor}
     * 1/255, {@code do_normalize} with OpenAI's {@code image_mean} and
     * {@code image_std}, {@code do_convert_rgb}.
     *
     * @throws IllegalArgumentException naming the key and value transformers would reject or jclip does not
     *                                  support (another processor type, other resample filters,
     *                                  {@code shortest_edge} with {@code longest_edge}, {@code do_convert_rgb}
     *                                  false, {@code do_pad}, a null, which transformers takes as the value)
     */
    public static PreprocessConfig fromHuggingFace(Map<String, Object> config) {
        String where = "preprocessor_config.json";
        if (String.valueOf(config.get("image_processor_type")).startsWith("Siglip2ImageProcessor")) {
            throw invalid(where, "image_processor_type", config.get("image_processor_type"), "a fixed-resolution processor "
                    + "(SiglipImageProcessor): SigLIP 2's NaFlex resizing keeps each image's aspect ratio, which jclip does not run");
        }
        if (String.valueOf(config.get("image_processor_type")).startsWith("SiglipImageProcessor")) {
            Map<String, Object> merged = new LinkedHashMap<>(SIGLIP_DEFAULTS);
            merged.putAll(config);
            config = merged;
        }
        for (String key : List.of("image_processor_type", "feature_extractor_type")) {
            Object type = config.get(key);
            if (type != null && !CLIP_PROCESSORS.contains(type)) {
                throw invalid(where, key, type, "a CLIP or SigLIP image processor (" + String.join(", ", CLIP_PROCESSORS) + ")");
            }
        }
        if (!flag(config, where, "do_convert_rgb", true)) {
            throw invalid(where, "do_convert_rgb", false, "true (jclip converts every image to RGB)");
        }
        if (flag(config, where, "do_pad", false)) {
            throw invalid(where, "do_pad", true, "false (padding to a batch size is not supported)");
        }
        if (flag(config, where, "use_square_size", false)) {
            throw invalid(where, "use_square_size", true, "false (KOSMOS-2's square size is not supported)");
        }
        ResizeMode mode = ResizeMode.NONE;
        Size resize = null;
        if (flag(config, where, "do_resize", true)) {
            Object size = value(config, where, "size", Map.of("shortest_edge", 224L));
            if (size instanceof Long edge) {
                mode = ResizeMode.SHORTEST;
                resize = Size.square(positive(edge, where, "size"));
            } else if (size instanceof Map<?, ?> dict && isKeys(dict, "shortest_edge")) {
                mode = ResizeMode.SHORTEST;
                resize = Size.square(positive(dict.get("shortest_edge"), where, "size.shortest_edge"));
            } else if (size instanceof List<?> || size instanceof Map<?, ?> dict && isKeys(dict, "height", "width")) {
                mode = ResizeMode.SQUASH;
                resize = size(size, where, "size");
            } else {
                throw invalid(where, "size", size,
                        "an integer, {\"shortest_edge\"}, [height, width] or {\"height\", \"width\"}");
            }
        }
        Object resample = value(config, where, "resample", 3L);
        Interpolation interpolation;
        if (Long.valueOf(2).equals(resample)) {
            interpolation = Interpolation.BILINEAR;
        } else if (Long.valueOf(3).equals(resample)) {
            interpolation = Interpolation.BICUBIC;
        } else {
            throw invalid(where, "resample", resample, "2 (bilinear) or 3 (bicubic)");
        }
        Size crop = flag(config, where, "do_center_crop", true)
                ? size(value(config, where, "crop_size", 224L), where, "crop_size")
                : null;
        double rescale = 1.0;
        if (flag(config, where, "do_rescale", true)) {
            Object factor = value(config, where, "rescale_factor", 1.0 / 255);
            if (!(factor instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue()))) {
                throw invalid(where, "rescale_factor", factor, "a positive number");
            }
            rescale = ((Number) factor).doubleValue();
        }
        Rgb mean = new Rgb(0, 0, 0), std = new Rgb(1, 1, 1);
        if (flag(config, where, "do_normalize", true)) {
            Object m = value(config, where, "image_mean", null), s = value(config, where, "image_std", null);
            mean = m == null ? OPENAI_MEAN : rgb(m, where, "image_mean");
            std = s == null ? OPENAI_STD : rgb(s, where, "image_std");
        }
        return new PreprocessConfig(Pipeline.TRANSFORMERS, mode, resize, interpolation, crop, 0, rescale, mean, std);
    }

    // ---------------------------------------------------------------- JSON values

    /**
     * The value of {@code key} in a transformers config, {@code absent} when missing.
     * transformers takes a JSON null as the value itself (and then fails or skips the
     * step), not as the default, so a null is refused.
     */
    private static Object value(Map<String, Object> config, String where, String key, Object absent) {
        if (!config.containsKey(key)) {
            return absent;
        }
        Object v = config.get(key);
        if (v == null) {
            throw invalid(where, key, null, "a value (transformers does not read null as the default)");
        }
        return v;
    }

    /** A string of an open_clip config; {@code merge_preprocess_dict} drops nulls, so null is {@code absent}. */
    private static String string(Map<String, Object> config, String where, String key, String absent) {
        Object v = config.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof String s)) {
            throw invalid(where, key, v, "a string");
        }
        return s;
    }

    /** A boolean of a transformers config. */
    private static boolean flag(Map<String, Object> config, String where, String key, boolean absent) {
        Object v = value(config, where, key, absent);
        if (!(v instanceof Boolean b)) {
            throw invalid(where, key, v, "true or false");
        }
        return b;
    }

    /** Whether {@code dict}'s keys with non-null values are exactly {@code keys}. */
    private static boolean isKeys(Map<?, ?> dict, String... keys) {
        long present = dict.values().stream().filter(Objects::nonNull).count();
        for (String key : keys) {
            if (dict.get(key) == null) {
                return false;
            }
        }
        return present == keys.length;
    }

    /** An int (a square), {@code [height, width]} or {@code {"height", "width"}}. */
    private static Size size(Object v, String where, String key) {
        if (v instanceof Long side) {
            return Size.square(positive(side, where, key));
        }
        if (v instanceof List<?> list && list.size() == 2) {
            return new Size(positive(list.get(0), where, key), positive(list.get(1), where, key));
        }
        if (v instanceof Map<?, ?> dict && isKeys(dict, "height", "width")) {
            return new Size(positive(dict.get("height"), where, key + ".height"),
                    positive(dict.get("width"), where, key + ".width"));
        }
        throw invalid(where, key, v, "an integer, [height, width] or {\"height\", \"width\"}");
    }

    private static int positive(Object v, String where, String key) {
        if (!(v instanceof Long n && n > 0 && n <= Integer.MAX_VALUE)) {
            throw invalid(where, key, v, "a positive integer");
        }
        return (int) (long) n;
    }

    /** A number (all channels) or a list of 1 or 3 numbers. */
    private static Rgb rgb(Object v, String where, String key) {
        if (v instanceof Number n) {
            return new Rgb(n.doubleValue(), n.doubleValue(), n.doubleValue());
        }
        if (v instanceof List<?> list && (list.size() == 1 || list.size() == 3)
                && list.stream().allMatch(x -> x instanceof Number)) {
            double[] c = list.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
            return c.length == 1 ? new Rgb(c[0], c[0], c[0]) : new Rgb(c[0], c[1], c[2]);
        }
        throw invalid(where, key, v, "a number or a list of 1 or 3 numbers");
    }

    private static IllegalArgumentException invalid(String where, String key, Object value, String expected) {
        String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return new IllegalArgumentException(where + ": " + key + " is " + shown + ", expected " + expected);
    }
}
