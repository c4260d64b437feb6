package dev.jclip.model;

import dev.jclip.kernel.Gelu;
import dev.jclip.nn.BlockConfig;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenCLIP's model-config JSON ({@code CLIPVisionCfg}, {@code CLIPTextCfg} of its {@code model.py})
 * read into a {@link ClipConfig} with OpenCLIP's defaults, and written back. Every key of the
 * built-in towers is understood; a key that would need another architecture (timm or Hugging Face
 * towers, attentional pooling, custom attention blocks, ...) or a value jclip cannot compute is
 * refused by name, never ignored.
 */
final class OpenClipJson {
    /** Keys that only matter in training or for outputs jclip does not produce; any value is accepted. */
    private static final Set<String> VISION_IGNORED = Set.of("patch_dropout", "output_tokens");
    private static final Set<String> TEXT_IGNORED = Set.of("pad_id", "output_tokens", "tokenizer_kwargs", "tokenizer_mode",
            // OpenCLIP's TextTransformer does not take it: the text tower always pools after ln_final.
            "final_ln_after_pool");

    private OpenClipJson() {}

    static ClipConfig parse(Map<String, Object> root, Gelu defaultAct) {
        Reader top = new Reader(root, "");
        int embed = top.positive("embed_dim");
        Object quick = top.take("quick_gelu");
        if (quick != null && !(quick instanceof Boolean)) {
            throw new IllegalArgumentException("OpenCLIP config quick_gelu must be true or false, got " + quick);
        }
        Gelu act = quick == null ? defaultAct : (Boolean) quick ? Gelu.QUICK : Gelu.ERF;
        Reader v = new Reader(top.object("vision_cfg"), "vision_cfg.");
        Reader t = new Reader(top.object("text_cfg"), "text_cfg.");
        top.finish();
        return new ClipConfig(embed, vision(v, act), text(t, act));
    }

    private static ClipConfig.Vision vision(Reader v, Gelu act) {
        v.refuse("timm_model_name", "timm image towers are not supported");
        v.requireAbsentOr("attentional_pool", false);
        v.requireAbsentOr("pos_embed_type", "learnable");
        v.requireAbsentOr("block_type", "default");
        for (String k : List.of("qk_norm", "scaled_cosine_attn", "scale_heads", "scale_attn_inner", "scale_attn", "scale_fc")) {
            v.requireAbsentOr(k, false);
        }
        v.requireAbsentOr("act_kwargs", null);
        VISION_IGNORED.forEach(v::take);
        int[] imageSize = v.imageSize();
        int width = v.positive("width");
        int headWidth = v.has("head_width") ? v.positive("head_width") : 64;
        double mlpRatio = v.has("mlp_ratio") ? v.number("mlp_ratio") : 4.0;
        float layerScale = v.layerScale();
        float lnEps = v.normEps();
        boolean lnPre = !v.bool("no_ln_pre", false);
        boolean finalLnAfterPool = v.bool("final_ln_after_pool", false);
        String poolName = v.has("pool_type") ? v.string("pool_type") : "tok";
        VisionTransformer.Pool pool = switch (poolName) {
            case "tok" -> VisionTransformer.Pool.TOK;
            case "avg" -> VisionTransformer.Pool.AVG;
            default -> throw new IllegalArgumentException("OpenCLIP config vision_cfg.pool_type '" + poolName
                    + "' is not supported (tok, avg)");
        };
        Object layers = v.take("layers");
        Object patch = v.take("patch_size");
        ClipConfig.Vision vision;
        if (layers instanceof List<?> list) {
            if (patch != null) {
                throw new IllegalArgumentException("OpenCLIP config vision_cfg.patch_size must be null for a ResNet tower, got " + patch);
            }
            int[] l = new int[list.size()];
            for (int i = 0; i < l.length; i++) {
                if (!(list.get(i) instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("OpenCLIP config vision_cfg.layers must hold positive integers: " + list);
                }
                l[i] = (int) (long) n;
            }
            // OpenCLIP: vision_heads = width * 32 // head_width for the attention pool.
            vision = new ClipConfig.Vision(imageSize[0], imageSize[1], l, width, 0, width * 32 / headWidth, 4 * width, 0, act, lnEps, true,
                    VisionTransformer.Pool.TOK, false);
        } else {
            if (!(layers instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OpenCLIP config needs a positive integer or a list of four 'vision_cfg.layers', got "
                        + layers);
            }
            if (!(patch instanceof Long p) || p <= 0 || p > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OpenCLIP config needs a positive integer 'vision_cfg.patch_size', got " + patch);
            }
            if (width % headWidth != 0) {
                throw new IllegalArgumentException("OpenCLIP config vision_cfg.width " + width + " is not a multiple of head_width "
                        + headWidth);
            }
            vision = new ClipConfig.Vision(imageSize[0], imageSize[1], new int[] {(int) (long) n}, width, (int) (long) p, width / headWidth,
                    mlpWidth(width, mlpRatio, "vision_cfg."), layerScale, act, lnEps, lnPre, pool, finalLnAfterPool);
        }
        v.finish();
        return vision;
    }

    private static ClipConfig.Text text(Reader t, Gelu act) {
        t.refuse("hf_model_name", "Hugging Face text towers are not supported");
        t.requireAbsentOr("embed_cls", false);
        t.requireAbsentOr("proj_bias", false);
        t.requireAbsentOr("proj_type", "linear");
        t.requireAbsentOr("use_pad_mask", false);
        t.requireAbsentOr("block_type", "default");
        for (String k : List.of("qk_norm", "scaled_cosine_attn", "scale_heads", "scale_attn_inner", "scale_attn", "scale_fc")) {
            t.requireAbsentOr(k, false);
        }
        t.requireAbsentOr("act_kwargs", null);
        TEXT_IGNORED.forEach(t::take);
        int context = t.has("context_length") ? t.positive("context_length") : 77;
        int vocab = t.has("vocab_size") ? t.positive("vocab_size") : 49408;
        int width = t.has("width") ? t.positive("width") : 512;
        int heads = t.has("heads") ? t.positive("heads") : 8;
        int layers = t.has("layers") ? t.positive("layers") : 12;
        double mlpRatio = t.has("mlp_ratio") ? t.number("mlp_ratio") : 4.0;
        float layerScale = t.layerScale();
        float lnEps = t.normEps();
        boolean causal = !t.bool("no_causal_mask", false);
        String poolName = t.has("pool_type") ? t.string("pool_type") : "argmax";
        TextTransformer.Pool pool;
        try {
            pool = TextTransformer.Pool.valueOf(poolName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("OpenCLIP config text_cfg.pool_type '" + poolName
                    + "' is not supported (argmax, eos, last, first)");
        }
        int eosId = t.has("eos_id") ? t.nonNegative("eos_id") : 2;
        String tokenizer = t.has("hf_tokenizer_name") ? t.string("hf_tokenizer_name") : null;
        t.finish();
        return new ClipConfig.Text(context, vocab, width, heads, layers, mlpWidth(width, mlpRatio, "text_cfg."), layerScale, act,
                lnEps, causal, pool, eosId, tokenizer);
    }

    /** OpenCLIP's {@code int(width * mlp_ratio)}: the product in double, truncated. */
    private static int mlpWidth(int width, double ratio, String where) {
        double w = width * ratio;
        if (!(w >= 1) || w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("OpenCLIP config " + where + "mlp_ratio " + ratio + " gives no MLP width for width " + width);
        }
        return (int) w;
    }

    static String write(ClipConfig c) {
        ClipConfig.Vision v = c.vision();
        ClipConfig.Text t = c.text();
        StringBuilder s = new StringBuilder("{\"embed_dim\":").append(c.embedDim());
        if (!v.isResNet() && v.act() != t.act()) {
            throw new IllegalArgumentException("OpenCLIP configs have one activation for both towers; this model has "
                    + v.act() + " (image) and " + t.act() + " (text)");
        }
        if (t.act() == Gelu.TANH) {
            throw new IllegalArgumentException("OpenCLIP's built-in towers have no tanh GELU");
        }
        s.append(",\"quick_gelu\":").append(t.act() == Gelu.QUICK);
        s.append(",\"vision_cfg\":{\"image_size\":").append(v.isSquare() ? String.valueOf(v.imageSize())
                : "[" + v.imageSize() + "," + v.imageWidth() + "]");
        if (v.isResNet()) {
            s.append(",\"layers\":").append(java.util.Arrays.toString(v.layers()).replace(" ", ""))
                    .append(",\"width\":").append(v.width()).append(",\"patch_size\":null");
            s.append(",\"head_width\":").append(headWidth(v.width() * 32, v.heads()));
        } else {
            s.append(",\"layers\":").append(v.layers()[0]).append(",\"width\":").append(v.width())
                    .append(",\"patch_size\":").append(v.patchSize())
                    .append(",\"head_width\":").append(headWidth(v.width(), v.heads()))
                    .append(",\"mlp_ratio\":").append(mlpRatio(v.width(), v.mlpWidth()));
            blockExtras(s, v.layerScale(), v.lnEps());
            if (!v.lnPre()) {
                s.append(",\"no_ln_pre\":true");
            }
            s.append(",\"pool_type\":\"").append(v.pool().name().toLowerCase(Locale.ROOT)).append('"');
            if (v.finalLnAfterPool()) {
                s.append(",\"final_ln_after_pool\":true");
            }
        }
        s.append("},\"text_cfg\":{\"context_length\":").append(t.contextLength()).append(",\"vocab_size\":").append(t.vocabSize())
                .append(",\"width\":").append(t.width()).append(",\"heads\":").append(t.heads()).append(",\"layers\":").append(t.layers())
                .append(",\"mlp_ratio\":").append(mlpRatio(t.width(), t.mlpWidth()));
        blockExtras(s, t.layerScale(), t.lnEps());
        if (!t.causal()) {
            s.append(",\"no_causal_mask\":true");
        }
        s.append(",\"pool_type\":\"").append(t.pool().name().toLowerCase(Locale.ROOT)).append('"');
        if (t.pool() == TextTransformer.Pool.EOS) {
            s.append(",\"eos_id\":").append(t.eosId());
        }
        if (t.tokenizer() != null) {
            s.append(",\"hf_tokenizer_name\":").append(quote(t.tokenizer()));
        }
        return s.append("}}").toString();
    }

    private static int headWidth(int width, int heads) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible into " + heads + " heads");
        }
        return width / heads;
    }

    /** A ratio whose {@code int(width * ratio)} is {@code mlpWidth} again. */
    private static double mlpRatio(int width, int mlpWidth) {
        double r = (double) mlpWidth / width;
        while ((int) (width * r) < mlpWidth) {
            r = Math.nextUp(r);
        }
        return r;
    }

    private static void blockExtras(StringBuilder s, float layerScale, float lnEps) {
        if (layerScale > 0) {
            s.append(",\"ls_init_value\":").append(layerScale);
        }
        if (lnEps != BlockConfig.LN_EPS) {
            s.append(",\"norm_kwargs\":{\"eps\":").append(lnEps).append('}');
        }
    }

    private static String quote(String text) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                q.append('\\').append(ch);
            } else if (ch < 0x20) {
                q.append(String.format("\\u%04x", (int) ch));
            } else {
                q.append(ch);
            }
        }
        return q.append('"').toString();
    }

    /** Reads keys of one JSON object, remembering which were read so that the rest can be refused by name. */
    private static final class Reader {
        private final Map<String, Object> map;
        private final String where;
        private final Set<String> unread;

        Reader(Map<String, Object> map, String where) {
            this.map = map;
            this.where = where;
            this.unread = new LinkedHashSet<>(map.keySet());
        }

        boolean has(String key) {
            return map.get(key) != null;
        }

        Object take(String key) {
            unread.remove(key);
            return map.get(key);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String key) {
            if (!(take(key) instanceof Map<?, ?> o)) {
                throw new IllegalArgumentException("OpenCLIP config needs an object '" + where + key + "'");
            }
            return (Map<String, Object>) o;
        }

        int positive(String key) {
            Object o = take(key);
            if (!(o instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OpenCLIP config needs a positive integer '" + where + key + "', got " + o);
            }
            return (int) (long) n;
        }

        int nonNegative(String key) {
            Object o = take(key);
            if (!(o instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OpenCLIP config needs an integer >= 0 '" + where + key + "', got " + o);
            }
            return (int) (long) n;
        }

        double number(String key) {
            Object o = take(key);
            if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() <= 0) {
                throw new IllegalArgumentException("OpenCLIP config needs a positive number '" + where + key + "', got " + o);
            }
            return n.doubleValue();
        }

        String string(String key) {
            Object o = take(key);
            if (!(o instanceof String str)) {
                throw new IllegalArgumentException("OpenCLIP config needs a string '" + where + key + "', got " + o);
            }
            return str;
        }

        boolean bool(String key, boolean absent) {
            Object o = take(key);
            if (o == null) {
                return absent;
            }
            if (!(o instanceof Boolean b)) {
                throw new IllegalArgumentException("OpenCLIP config '" + where + key + "' must be true or false, got " + o);
            }
            return b;
        }

        /** {@code image_size}: an integer, or [height, width]; {height, width}. */
        int[] imageSize() {
            Object o = take("image_size");
            if (o instanceof List<?> hw && hw.size() == 2 && hw.get(0) instanceof Long h && hw.get(1) instanceof Long w
                    && h > 0 && w > 0 && h <= Integer.MAX_VALUE && w <= Integer.MAX_VALUE) {
                return new int[] {(int) (long) h, (int) (long) w};
            }
            if (!(o instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("OpenCLIP config needs a positive integer or [height, width] '" + where
                        + "image_size', got " + o);
            }
            return new int[] {(int) (long) n, (int) (long) n};
        }

        /** {@code ls_init_value}: 0 when absent or null (no LayerScale). */
        float layerScale() {
            if (!has("ls_init_value")) {
                take("ls_init_value");
                return 0;
            }
            return (float) number("ls_init_value");
        }

        /** {@code norm_kwargs}: only LayerNorm's {@code eps} may be set. */
        float normEps() {
            Object o = take("norm_kwargs");
            if (o == null) {
                return BlockConfig.LN_EPS;
            }
            if (!(o instanceof Map<?, ?> m) || !m.keySet().equals(Set.of("eps")) || !(m.get("eps") instanceof Number eps)
                    || !(eps.doubleValue() > 0)) {
                throw new IllegalArgumentException("OpenCLIP config " + where + "norm_kwargs " + o + " is not supported (only {\"eps\": x})");
            }
            return eps.floatValue();
        }

        void refuse(String key, String why) {
            if (take(key) != null) {
                throw new IllegalArgumentException("OpenCLIP config " + where + key + ": " + why);
            }
        }

        /** Refuses {@code key} unless it is absent, null or equal to {@code allowed}. */
        void requireAbsentOr(String key, Object allowed) {
            Object o = take(key);
            if (o != null && !o.equals(allowed)) {
                throw new IllegalArgumentException("OpenCLIP config " + where + key + " = " + o + " is not supported"
                        + (allowed == null ? "" : " (only " + allowed + ")"));
            }
        }

        void finish() {
            if (!unread.isEmpty()) {
                List<String> names = new ArrayList<>();
                unread.forEach(k -> names.add(where + k));
                throw new IllegalArgumentException("unsupported OpenCLIP config key(s) " + names);
            }
        }
    }
}
