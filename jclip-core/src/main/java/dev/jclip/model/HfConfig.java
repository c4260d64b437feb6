package dev.jclip.model;

import dev.jclip.compute.Gelu;
import dev.jclip.io.Json;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code config.json} of a CLIP model read as transformers 5 reads it
 * ({@code CLIPConfig}, {@code CLIPTextConfig}, {@code CLIPVisionConfig}, their defaults included):
 * widths, depths, heads, {@code intermediate_size}, {@code hidden_act}, {@code layer_norm_eps},
 * {@code projection_dim}, image and patch size, and the text pooling ({@code eos_token_id} 2, the
 * value of files written before transformers fixed it, pools at the largest id; any other at the
 * first {@code eos_token_id}, unless it lies outside the vocabulary). A single tower
 * ({@code model_type} {@code clip_vision_model} or {@code clip_text_model}, as
 * {@code CLIPVisionModelWithProjection} and {@code CLIPTextModelWithProjection} save it) gives a
 * config with the other tower null.
 *
 * <p>SigLIP's {@code SiglipConfig} ({@code model_type} {@code siglip}, the single towers
 * {@code siglip_vision_model} and {@code siglip_text_model}) and SigLIP 2's {@code Siglip2Config}
 * ({@code siglip2}, ...) are read with their defaults ({@code gelu_pytorch_tanh}, epsilon 1e-6, 64
 * positions, a vocabulary of 32000): an image tower without class token or projection pooled by
 * the attention head, a bidirectional text tower pooled at the last position with a projection
 * with bias, and {@code logit_bias}. SigLIP 2 runs at its fixed resolution: square images of
 * {@code sqrt(num_patches)} patches a side, where its resized position embeddings are the learned
 * ones (NaFlex's other resolutions are not supported).
 */
final class HfConfig {
    private HfConfig() {}

    /** The config of a {@code CLIPModel} or of one of its towers; {@code file} names it in errors. */
    static ClipConfig read(Path file) throws IOException {
        Map<String, Object> root = Json.readObject(file);
        try {
            Object type = root.get("model_type");
            if (type instanceof String t && t.startsWith("siglip")) {
                return siglip(root, t);
            }
            if ("clip_vision_model".equals(type)) {
                return new ClipConfig(integer(root, "projection_dim", 512, ""), vision(root), null);
            }
            if ("clip_text_model".equals(type)) {
                return new ClipConfig(integer(root, "projection_dim", 512, ""), null, text(root));
            }
            if (type != null && !type.equals("clip")) {
                throw new IllegalArgumentException("model_type is " + type + ", not clip, clip_vision_model or clip_text_model");
            }
            Map<String, Object> text = tower(root, "text_config");
            Map<String, Object> vision = tower(root, "vision_config");
            int embed = integer(root, "projection_dim", 512, "");
            return new ClipConfig(embed, vision(vision), text(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static ClipConfig siglip(Map<String, Object> root, String type) {
        boolean v2 = type.startsWith("siglip2");
        String family = v2 ? "siglip2" : "siglip";
        if (type.equals(family + "_vision_model")) {
            ClipConfig.Vision v = siglipVision(root, v2, "");
            return new ClipConfig(v.width(), v, null);
        }
        if (type.equals(family + "_text_model")) {
            return new ClipConfig(projectionSize(root, ""), null, siglipText(root, ""));
        }
        if (!type.equals(family)) {
            throw new IllegalArgumentException("model_type is " + type + ", not " + family + ", " + family + "_vision_model or "
                    + family + "_text_model");
        }
        ClipConfig.Vision v = siglipVision(tower(root, "vision_config"), v2, "vision_config.");
        ClipConfig.Text t = siglipText(tower(root, "text_config"), "text_config.");
        int projection = projectionSize(tower(root, "text_config"), "text_config.");
        if (projection != v.width()) {
            throw new IllegalArgumentException("text_config.projection_size " + projection + " differs from the image tower's width "
                    + v.width() + ": the two embeddings would not compare");
        }
        return new ClipConfig(v.width(), v, t, true);
    }

    private static ClipConfig.Vision siglipVision(Map<String, Object> c, boolean v2, String w) {
        if (Boolean.FALSE.equals(c.get("vision_use_head"))) {
            throw new IllegalArgumentException(w + "vision_use_head is false: an image tower without its pooling head gives no features");
        }
        if (integer(c, "num_channels", 3, w) != 3) {
            throw new IllegalArgumentException(w + "num_channels must be 3, got " + c.get("num_channels"));
        }
        int width = integer(c, "hidden_size", 768, w);
        int heads = integer(c, "num_attention_heads", 12, w);
        if (width % heads != 0) {
            throw new IllegalArgumentException(w + "hidden_size " + width + " is not divisible into " + heads + " heads");
        }
        int patch = square(c, "patch_size", 16, w);
        int side;
        if (v2) {
            int patches = integer(c, "num_patches", 256, w);
            int grid = (int) Math.round(Math.sqrt(patches));
            if (grid * grid != patches) {
                throw new IllegalArgumentException(w + "num_patches " + patches + " is not a square grid");
            }
            side = grid * patch;
        } else {
            side = square(c, "image_size", 224, w);
        }
        return new ClipConfig.Vision(side, side, new int[] {integer(c, "num_hidden_layers", 12, w)}, width, patch, heads,
                integer(c, "intermediate_size", 3072, w), 0, act(c, w, "gelu_pytorch_tanh"), eps(c, w, 1e-6), false,
                VisionTransformer.Pool.MAP, false, false, true, false);
    }

    private static ClipConfig.Text siglipText(Map<String, Object> c, String w) {
        return new ClipConfig.Text(integer(c, "max_position_embeddings", 64, w), integer(c, "vocab_size", 32000, w),
                integer(c, "hidden_size", 768, w), integer(c, "num_attention_heads", 12, w), integer(c, "num_hidden_layers", 12, w),
                integer(c, "intermediate_size", 3072, w), 0, act(c, w, "gelu_pytorch_tanh"), eps(c, w, 1e-6), false,
                TextTransformer.Pool.LAST, 0, null, true);
    }

    /** The text head's width: {@code projection_size}, else {@code hidden_size}. */
    private static int projectionSize(Map<String, Object> c, String w) {
        return integer(c, "projection_size", integer(c, "hidden_size", 768, w), w);
    }

    private static ClipConfig.Vision vision(Map<String, Object> c) {
        String w = "vision_config.";
        int width = integer(c, "hidden_size", 768, w);
        int heads = integer(c, "num_attention_heads", 12, w);
        if (integer(c, "num_channels", 3, w) != 3) {
            throw new IllegalArgumentException(w + "num_channels must be 3, got " + c.get("num_channels"));
        }
        int side = square(c, "image_size", 224, w);
        return new ClipConfig.Vision(side, side, new int[] {integer(c, "num_hidden_layers", 12, w)}, width,
                square(c, "patch_size", 32, w), heads, integer(c, "intermediate_size", 3072, w), 0, act(c, w, "quick_gelu"),
                eps(c, w, 1e-5), true, VisionTransformer.Pool.TOK, false);
    }

    private static ClipConfig.Text text(Map<String, Object> c) {
        String w = "text_config.";
        Object eos = c.containsKey("eos_token_id") ? c.get("eos_token_id") : 49407L;
        if (!(eos instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(w + "eos_token_id must be one integer, got " + eos);
        }
        int vocab = integer(c, "vocab_size", 49408, w);
        // transformers pools at the largest id when eos_token_id is 2 (files written before it was
        // fixed). An id outside the vocabulary never occurs (small test models written with the
        // default 49407): transformers would then pool position 0 of every text, which no such
        // model was trained for, so those pool at the largest id too.
        boolean legacy = id == 2 || id >= vocab;
        return new ClipConfig.Text(integer(c, "max_position_embeddings", 77, w), vocab,
                integer(c, "hidden_size", 512, w), integer(c, "num_attention_heads", 8, w), integer(c, "num_hidden_layers", 12, w),
                integer(c, "intermediate_size", 2048, w), 0, act(c, w, "quick_gelu"), eps(c, w, 1e-5), true,
                legacy ? TextTransformer.Pool.ARGMAX : TextTransformer.Pool.EOS, legacy ? 0 : (int) (long) id, null);
    }

    /** A tower's settings: {@code <tower>} and, in older files, the overrides kept in {@code <tower>_dict}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tower(Map<String, Object> root, String key) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (String k : List.of(key, key + "_dict")) {
            Object o = root.get(k);
            if (o instanceof Map<?, ?> m) {
                c.putAll((Map<String, Object>) m);
            } else if (o != null) {
                throw new IllegalArgumentException(k + " must be an object, got " + o);
            }
        }
        return c;
    }

    /** transformers' {@code ACT2FN} names of the three GELUs CLIP and SigLIP use. */
    static Gelu act(Map<String, Object> c, String where, String absent) {
        Object name = c.getOrDefault("hidden_act", absent);
        return switch (String.valueOf(name)) {
            case "quick_gelu" -> Gelu.QUICK;
            case "gelu" -> Gelu.ERF;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> Gelu.TANH;
            default -> throw new IllegalArgumentException(where + "hidden_act '" + name
                    + "' is not supported (quick_gelu, gelu, gelu_pytorch_tanh, gelu_new)");
        };
    }

    private static float eps(Map<String, Object> c, String where, double absent) {
        Object o = c.getOrDefault("layer_norm_eps", absent);
        if (!(o instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException(where + "layer_norm_eps must be a positive number, got " + o);
        }
        return n.floatValue();
    }

    private static int integer(Map<String, Object> c, String key, int absent, String where) {
        Object o = c.get(key);
        if (o == null) {
            return absent;
        }
        if (!(o instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + key + " must be a positive integer, got " + o);
        }
        return (int) (long) n;
    }

    /** An image or patch size: an integer or [height, width] with equal sides. */
    private static int square(Map<String, Object> c, String key, int absent, String where) {
        Object o = c.get(key);
        if (o instanceof List<?> hw && hw.size() == 2) {
            if (!hw.get(0).equals(hw.get(1))) {
                throw new IllegalArgumentException(where + key + " " + hw + " is not square; jclip's ViT takes square images and patches");
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(key, hw.get(0));
            return integer(one, key, absent, where);
        }
        return integer(c, key, absent, where);
    }
}
