package dev.jclip.model;

import dev.jclip.io.Json;
import dev.jclip.nn.Clip;
import dev.jclip.nn.ImageEncoder;
import dev.jclip.nn.ModifiedResNet;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of a CLIP model, in OpenCLIP's terms ({@code embed_dim},
 * {@code vision_cfg}, {@code text_cfg}). Attention heads are {@code width / 64}
 * in the vision tower (a ResNet's attention pool has {@code 32·width / 64}) and
 * given explicitly for the text tower. Every activation is QuickGELU, as in
 * OpenAI's CLIP.
 */
public record ClipConfig(int embedDim, Vision vision, Text text) {

    /**
     * The image tower: a ViT when {@code layers} has one entry (then
     * {@code patchSize > 0}), a ModifiedResNet when it has four blocks-per-stage
     * counts (then {@code patchSize == 0}).
     */
    public record Vision(int imageSize, int[] layers, int width, int patchSize) {
        public Vision {
            layers = layers.clone();
            if (imageSize <= 0 || width <= 0) {
                throw new IllegalArgumentException("vision image_size and width must be positive: " + imageSize + ", " + width);
            }
            for (int n : layers) {
                if (n <= 0) {
                    throw new IllegalArgumentException("vision layers must be positive: " + Arrays.toString(layers));
                }
            }
            if (layers.length == 1) {
                if (patchSize <= 0 || imageSize % patchSize != 0) {
                    throw new IllegalArgumentException("ViT image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
                }
                if (width % 64 != 0) {
                    throw new IllegalArgumentException("ViT width " + width + " is not a multiple of the head width 64");
                }
            } else if (layers.length == 4) {
                if (patchSize != 0) {
                    throw new IllegalArgumentException("a ResNet tower has no patch_size (got " + patchSize + ")");
                }
                if (imageSize % 32 != 0 || width % 2 != 0) {
                    throw new IllegalArgumentException("ResNet image_size " + imageSize + " must be a multiple of 32 and width "
                            + width + " even");
                }
            } else {
                throw new IllegalArgumentException("vision layers must be one number (ViT) or four (ResNet): " + Arrays.toString(layers));
            }
        }

        /** A ViT tower. */
        public static Vision vit(int imageSize, int layers, int width, int patchSize) {
            return new Vision(imageSize, new int[] {layers}, width, patchSize);
        }

        /** A ModifiedResNet tower with these blocks per stage. */
        public static Vision resnet(int imageSize, int[] layers, int width) {
            return new Vision(imageSize, layers, width, 0);
        }

        /** True for a ModifiedResNet tower (four stages of blocks), false for a ViT. */
        public boolean isResNet() {
            return layers.length == 4;
        }

        @Override
        public int[] layers() {
            return layers.clone();
        }

        /** Attention heads: of each ViT block, or of the ResNet's attention pool. */
        public int heads() {
            return isResNet() ? width * 32 / 64 : width / 64;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Vision v && v.imageSize == imageSize && Arrays.equals(v.layers, layers)
                    && v.width == width && v.patchSize == patchSize;
        }

        @Override
        public int hashCode() {
            return ((imageSize * 31 + Arrays.hashCode(layers)) * 31 + width) * 31 + patchSize;
        }

        @Override
        public String toString() {
            return "Vision[imageSize=" + imageSize + ", layers=" + (isResNet() ? Arrays.toString(layers) : layers[0])
                    + ", width=" + width + (isResNet() ? "" : ", patchSize=" + patchSize) + "]";
        }
    }

    /** The text tower. */
    public record Text(int contextLength, int vocabSize, int width, int heads, int layers) {
        public Text {
            if (contextLength <= 0 || vocabSize <= 0 || width <= 0 || heads <= 0 || layers <= 0) {
                throw new IllegalArgumentException("text context_length, vocab_size, width, heads and layers must be positive: "
                        + contextLength + ", " + vocabSize + ", " + width + ", " + heads + ", " + layers);
            }
            if (width % heads != 0) {
                throw new IllegalArgumentException("text width " + width + " is not divisible into " + heads + " heads");
            }
        }
    }

    public ClipConfig {
        if (embedDim <= 0) {
            throw new IllegalArgumentException("embed_dim must be positive: " + embedDim);
        }
        if (vision == null || text == null) {
            throw new IllegalArgumentException("a CLIP config needs a vision and a text config");
        }
    }

    /** A model of this shape with every parameter and buffer zero (load or initialize it next). */
    public Clip build() {
        ImageEncoder visual = vision.isResNet()
                ? new ModifiedResNet(vision.layers, embedDim, vision.heads(), vision.imageSize, vision.width)
                : new VisionTransformer(vision.imageSize, vision.patchSize, vision.width, vision.layers[0], vision.heads(), embedDim);
        TextTransformer textTower = new TextTransformer(text.contextLength, text.vocabSize, text.width, text.heads,
                text.layers, embedDim);
        return new Clip(visual, textTower);
    }

    /** The config of an existing model, read from its tensor shapes and text heads. */
    public static ClipConfig of(Clip model) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        model.stateDict().all().forEach((n, t) -> shapes.put(n, t.shape()));
        return ConfigInference.infer(shapes, model.text().heads());
    }

    // ---------------------------------------------------------------- OpenCLIP JSON

    private static final Set<String> TOP_KEYS = Set.of("embed_dim", "vision_cfg", "text_cfg", "quick_gelu");
    private static final Set<String> VISION_KEYS = Set.of("image_size", "layers", "width", "patch_size", "head_width", "mlp_ratio");
    private static final Set<String> TEXT_KEYS = Set.of("context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio");

    /**
     * Parses an OpenCLIP model config ({@code model_configs/*.json}). Keys that
     * would change the architecture beyond OpenAI's CLIP (timm or Hugging Face
     * towers, other head widths or MLP ratios, ...) are refused by name.
     * {@code quick_gelu} is accepted and ignored: jclip always uses QuickGELU.
     */
    public static ClipConfig fromOpenClipJson(String json) {
        Map<String, Object> root = Json.parseObject(json);
        checkKeys(root, TOP_KEYS, "");
        Map<String, Object> v = object(root, "vision_cfg");
        Map<String, Object> t = object(root, "text_cfg");
        checkKeys(v, VISION_KEYS, "vision_cfg.");
        checkKeys(t, TEXT_KEYS, "text_cfg.");
        if (v.containsKey("head_width") && integer(v, "head_width", "vision_cfg.") != 64) {
            throw new IllegalArgumentException("vision_cfg.head_width must be 64, got " + v.get("head_width"));
        }
        for (var e : List.of(Map.entry("vision_cfg.", v), Map.entry("text_cfg.", t))) {
            Object r = e.getValue().get("mlp_ratio");
            if (r != null && !(r instanceof Number n && n.doubleValue() == 4.0)) {
                throw new IllegalArgumentException(e.getKey() + "mlp_ratio must be 4, got " + r);
            }
        }
        Vision vision;
        Object layers = v.get("layers");
        if (layers instanceof List<?> list) {
            int[] l = new int[list.size()];
            for (int i = 0; i < l.length; i++) {
                if (!(list.get(i) instanceof Long n)) {
                    throw new IllegalArgumentException("vision_cfg.layers must hold integers: " + list);
                }
                l[i] = Math.toIntExact(n);
            }
            if (v.get("patch_size") != null) {
                throw new IllegalArgumentException("vision_cfg.patch_size must be null for a ResNet tower");
            }
            vision = Vision.resnet(integer(v, "image_size", "vision_cfg."), l, integer(v, "width", "vision_cfg."));
        } else {
            vision = Vision.vit(integer(v, "image_size", "vision_cfg."), integer(v, "layers", "vision_cfg."),
                    integer(v, "width", "vision_cfg."), integer(v, "patch_size", "vision_cfg."));
        }
        Text text = new Text(integer(t, "context_length", "text_cfg."), integer(t, "vocab_size", "text_cfg."),
                integer(t, "width", "text_cfg."), integer(t, "heads", "text_cfg."), integer(t, "layers", "text_cfg."));
        return new ClipConfig(integer(root, "embed_dim", ""), vision, text);
    }

    /** This config as an OpenCLIP model-config JSON object. */
    public String toOpenClipJson() {
        String layers = vision.isResNet() ? Arrays.toString(vision.layers).replace(" ", "") : String.valueOf(vision.layers[0]);
        String patch = vision.isResNet() ? "null" : String.valueOf(vision.patchSize);
        return "{\"embed_dim\":" + embedDim
                + ",\"vision_cfg\":{\"image_size\":" + vision.imageSize + ",\"layers\":" + layers
                + ",\"width\":" + vision.width + ",\"patch_size\":" + patch + "}"
                + ",\"text_cfg\":{\"context_length\":" + text.contextLength + ",\"vocab_size\":" + text.vocabSize
                + ",\"width\":" + text.width + ",\"heads\":" + text.heads + ",\"layers\":" + text.layers + "}}";
    }

    private static void checkKeys(Map<String, Object> m, Set<String> allowed, String where) {
        List<String> unknown = new ArrayList<>();
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                unknown.add(where + k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unsupported OpenCLIP config key(s) " + unknown
                    + " (jclip implements OpenAI's CLIP architecture only)");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException("OpenCLIP config needs an object '" + key + "'");
        }
        return (Map<String, Object>) o;
    }

    private static int integer(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("OpenCLIP config needs a positive integer '" + where + key + "', got " + m.get(key));
        }
        return (int) (long) n;
    }
}
