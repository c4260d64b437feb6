package dev.jclip.model;

import dev.jclip.compute.Gelu;
import dev.jclip.io.JsonWriter;
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
 * built-in towers is understood; a key that would need another architecture (Hugging Face
 * towers, attentional pooling, custom attention blocks, ...) or a value jclip cannot compute is
 * refused by name, never ignored.
 *
 * <p>SigLIP's timm image towers ({@code timm_model_name} {@code vit_*_siglip_*} with
 * {@code timm_pool} {@code map} or {@code avg} and {@code timm_proj} {@code none}) take their shape
 * from timm's definition ({@link TimmTowers}); a trunk timm does not define (a custom one) needs its
 * shape in the keys OpenCLIP's own towers use ({@code width}, {@code layers}, {@code head_width},
 * {@code patch_size}, {@code mlp_ratio}; GELU unless {@code act_kwargs} says tanh). The text tower
 * may have a projection with bias ({@code proj_bias}) and the tanh GELU
 * ({@code act_kwargs: {"approximate": "tanh"}}); {@code init_logit_bias} gives the model its
 * {@code logit_bias}.
 */
final class OpenClipJson {
    /** Keys that only matter in training or for outputs jclip does not produce; any value is accepted. */
    private static final Set<String> VISION_IGNORED = Set.of("patch_dropout", "output_tokens");
    private static final Set<String> TEXT_IGNORED = Set.of("pad_id", "output_tokens", "tokenizer_mode",
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
        boolean logitBias = top.has("init_logit_bias");
        if (logitBias) {
            top.number("init_logit_bias", false);
        }
        for (String k : List.of("custom_text", "init_logit_scale")) {
            top.take(k);   // the text tower's names are mapped at load; the initial scale only matters for training
        }
        Reader v = new Reader(top.object("vision_cfg"), "vision_cfg.");
        Reader t = new Reader(top.object("text_cfg"), "text_cfg.");
        top.finish();
        ClipConfig.Vision vision = v.has("timm_model_name") ? timmVision(v) : vision(v, act);
        return new ClipConfig(embed, vision, text(t, act), logitBias);
    }

    /** A timm SigLIP trunk: timm's shape for the name, or the shape keys for a custom trunk. */
    private static ClipConfig.Vision timmVision(Reader v) {
        String name = v.string("timm_model_name");
        v.take("timm_model_pretrained");
        for (String k : List.of("timm_drop", "timm_drop_path", "patch_dropout", "output_tokens", "timm_proj_bias")) {
            v.take(k);   // training only, or unused without a projection
        }
        TimmTowers.Tower known = TimmTowers.get(name);
        int[] imageSize = v.has("image_size") ? v.imageSize() : null;
        if (known == null && !(name.startsWith("vit_") && v.has("width") && v.has("layers") && v.has("patch_size")
                && imageSize != null)) {
            throw new IllegalArgumentException("OpenCLIP config vision_cfg.timm_model_name '" + name + "' is not a timm "
                    + "SigLIP tower jclip knows (" + String.join(", ", TimmTowers.names()) + "); for a custom vit_* trunk give "
                    + "its shape as vision_cfg image_size, width, layers, head_width, patch_size, mlp_ratio");
        }
        String pool = v.has("timm_pool") ? v.string("timm_pool") : "avg";
        String proj = v.has("timm_proj") ? v.string("timm_proj") : "linear";
        if (!proj.equals("none")) {
            throw new IllegalArgumentException("OpenCLIP config vision_cfg.timm_proj '" + proj
                    + "' is not supported for timm towers (only none, SigLIP's)");
        }
        VisionTransformer.Pool p = switch (pool) {
            case "map" -> VisionTransformer.Pool.MAP;
            case "avg" -> VisionTransformer.Pool.AVG;
            default -> throw new IllegalArgumentException("OpenCLIP config vision_cfg.timm_pool '" + pool
                    + "' is not supported (map, avg)");
        };
        ClipConfig.Vision vision;
        if (known != null) {
            for (String k : List.of("width", "layers", "head_width", "patch_size", "mlp_ratio", "act_kwargs", "norm_kwargs")) {
                v.take(k);   // OpenCLIP ignores them for a timm tower: timm's definition decides
            }
            vision = new ClipConfig.Vision(known.imageSize(), known.imageSize(), new int[] {known.layers()}, known.width(),
                    known.patchSize(), known.heads(), known.mlpWidth(), 0, known.act(), TimmTowers.LN_EPS, false, p, false, false,
                    true, false);
        } else {
            int width = v.positive("width");
            int headWidth = v.has("head_width") ? v.positive("head_width") : 64;
            double mlpRatio = v.has("mlp_ratio") ? v.number("mlp_ratio") : 4.0;
            Gelu act = v.actKwargs(Gelu.ERF);
            if (width % headWidth != 0) {
                throw new IllegalArgumentException("OpenCLIP config vision_cfg.width " + width + " is not a multiple of head_width "
                        + headWidth);
            }
            vision = new ClipConfig.Vision(imageSize[0], imageSize[1], new int[] {v.positive("layers")}, width,
                    v.positive("patch_size"), width / headWidth, mlpWidth(width, mlpRatio, "vision_cfg."), 0, act,
                    TimmTowers.LN_EPS, false, p, false, false, true, false);
        }
        if (imageSize != null && (imageSize[0] != vision.imageSize() || imageSize[1] != vision.imageWidth())) {
            throw new IllegalArgumentException("OpenCLIP config vision_cfg.image_size " + imageSize[0] + "x" + imageSize[1]
                    + " differs from timm's " + name + " (" + vision.imageSize() + "x" + vision.imageWidth() + ")");
        }
        v.finish();
        return vision;
    }

    private static ClipConfig.Vision vision(Reader v, Gelu act) {
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
        boolean projBias = t.bool("proj_bias", false);
        t.requireAbsentOr("proj_type", "linear");
        t.requireAbsentOr("use_pad_mask", false);
        t.requireAbsentOr("block_type", "default");
        for (String k : List.of("qk_norm", "scaled_cosine_attn", "scale_heads", "scale_attn_inner", "scale_attn", "scale_fc")) {
            t.requireAbsentOr(k, false);
        }
        act = t.actKwargs(act);
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
        Map<String, Object> kwargs = new java.util.LinkedHashMap<>();
        if (t.take("tokenizer_kwargs") instanceof Map<?, ?> m) {
            m.forEach((k, val) -> {
                if (val instanceof String || val instanceof Boolean) {
                    kwargs.put((String) k, val);
                }
            });
        }
        t.finish();
        return new ClipConfig.Text(context, vocab, width, heads, layers, mlpWidth(width, mlpRatio, "text_cfg."), layerScale, act,
                lnEps, causal, pool, eosId, tokenizer, projBias, kwargs);
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
        boolean timm = !v.isResNet() && !v.classToken();
        if (!timm && !v.isResNet() && v.act() != t.act()) {
            throw new IllegalArgumentException("OpenCLIP configs have one activation for both towers; this model has "
                    + v.act() + " (image) and " + t.act() + " (text)");
        }
        if (!timm && t.act() == Gelu.TANH) {
            throw new IllegalArgumentException("OpenCLIP's built-in towers have no tanh GELU");
        }
        JsonWriter w = new JsonWriter().beginObject().name("embed_dim").value(c.embedDim());
        w.name("quick_gelu").value(t.act() == Gelu.QUICK);
        if (c.logitBias()) {
            // Only the bias's presence matters for loading; -10 is SigLIP's initial value.
            w.name("init_logit_bias").value(-10);
        }
        w.name("vision_cfg").beginObject().name("image_size");
        if (v.isSquare()) {
            w.value(v.imageSize());
        } else {
            w.beginArray().value(v.imageSize()).value(v.imageWidth()).endArray();
        }
        if (timm) {
            writeTimm(w, v);
        } else if (v.isResNet()) {
            w.name("layers").beginArray();
            for (int n : v.layers()) {
                w.value(n);
            }
            w.endArray().name("width").value(v.width()).name("patch_size").nullValue();
            w.name("head_width").value(headWidth(v.width() * 32, v.heads()));
        } else {
            w.name("layers").value(v.layers()[0]).name("width").value(v.width()).name("patch_size").value(v.patchSize())
                    .name("head_width").value(headWidth(v.width(), v.heads()))
                    .name("mlp_ratio").value(mlpRatio(v.width(), v.mlpWidth()));
            blockExtras(w, v.layerScale(), v.lnEps());
            if (!v.lnPre()) {
                w.name("no_ln_pre").value(true);
            }
            w.name("pool_type").value(v.pool().name().toLowerCase(Locale.ROOT));
            if (v.finalLnAfterPool()) {
                w.name("final_ln_after_pool").value(true);
            }
        }
        w.endObject().name("text_cfg").beginObject().name("context_length").value(t.contextLength())
                .name("vocab_size").value(t.vocabSize()).name("width").value(t.width()).name("heads").value(t.heads())
                .name("layers").value(t.layers()).name("mlp_ratio").value(mlpRatio(t.width(), t.mlpWidth()));
        blockExtras(w, t.layerScale(), t.lnEps());
        if (t.act() == Gelu.TANH) {
            w.name("act_kwargs").beginObject().name("approximate").value("tanh").endObject();
        }
        if (!t.causal()) {
            w.name("no_causal_mask").value(true);
        }
        if (t.projBias()) {
            w.name("proj_bias").value(true);
        }
        w.name("pool_type").value(t.pool().name().toLowerCase(Locale.ROOT));
        if (t.pool() == TextTransformer.Pool.EOS) {
            w.name("eos_id").value(t.eosId());
        }
        if (t.tokenizer() != null) {
            w.name("hf_tokenizer_name").value(t.tokenizer());
        }
        if (!t.tokenizerKwargs().isEmpty()) {
            w.name("tokenizer_kwargs").beginObject();
            new java.util.TreeMap<>(t.tokenizerKwargs()).forEach((k, val) -> {
                w.name(k);
                if (val instanceof Boolean b) {
                    w.value(b);
                } else {
                    w.value((String) val);
                }
            });
            w.endObject();
        }
        return w.endObject().endObject().toString();
    }

    /** A SigLIP image tower as a timm trunk: timm's name when one has this shape, else a custom trunk's shape keys. */
    private static void writeTimm(JsonWriter w, ClipConfig.Vision v) {
        if (v.patchBias() != true || v.lnPre() || v.projection() || v.layerScale() > 0 || v.lnEps() != TimmTowers.LN_EPS
                || v.pool() == VisionTransformer.Pool.TOK || !v.isSquare()) {
            throw new IllegalArgumentException("an image tower without class token is written only as a timm SigLIP trunk; "
                    + "this one is not: " + v);
        }
        String name = null;
        for (String n : TimmTowers.names()) {
            TimmTowers.Tower t = TimmTowers.get(n);
            if (t.imageSize() == v.imageSize() && t.patchSize() == v.patchSize() && t.width() == v.width()
                    && t.layers() == v.layers()[0] && t.heads() == v.heads() && t.mlpWidth() == v.mlpWidth() && t.act() == v.act()) {
                name = n;
                break;
            }
        }
        w.name("timm_model_name").value(name != null ? name : "vit_custom_siglip");
        if (name == null) {
            w.name("layers").value(v.layers()[0]).name("width").value(v.width()).name("patch_size").value(v.patchSize())
                    .name("head_width").value(headWidth(v.width(), v.heads()))
                    .name("mlp_ratio").value(mlpRatio(v.width(), v.mlpWidth()));
            if (v.act() == Gelu.TANH) {
                w.name("act_kwargs").beginObject().name("approximate").value("tanh").endObject();
            }
        }
        w.name("timm_pool").value(v.pool().name().toLowerCase(Locale.ROOT)).name("timm_proj").value("none");
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

    private static void blockExtras(JsonWriter w, float layerScale, float lnEps) {
        if (layerScale > 0) {
            w.name("ls_init_value").value(layerScale);
        }
        if (lnEps != BlockConfig.LN_EPS) {
            w.name("norm_kwargs").beginObject().name("eps").value(lnEps).endObject();
        }
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
            return number(key, true);
        }

        double number(String key, boolean positive) {
            Object o = take(key);
            if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue()) || positive && n.doubleValue() <= 0) {
                throw new IllegalArgumentException("OpenCLIP config needs a " + (positive ? "positive" : "finite") + " number '"
                        + where + key + "', got " + o);
            }
            return n.doubleValue();
        }

        /** {@code act_kwargs}: absent or {@code {"approximate": "none"}} keeps {@code act}; {@code "tanh"} is the tanh GELU. */
        Gelu actKwargs(Gelu act) {
            Object o = take("act_kwargs");
            if (o == null) {
                return act;
            }
            if (o instanceof Map<?, ?> m && m.keySet().equals(Set.of("approximate")) && act != Gelu.QUICK) {
                if ("tanh".equals(m.get("approximate"))) {
                    return Gelu.TANH;
                }
                if ("none".equals(m.get("approximate"))) {
                    return act;
                }
            }
            throw new IllegalArgumentException("OpenCLIP config " + where + "act_kwargs " + o
                    + " is not supported (only {\"approximate\": \"tanh\"} on nn.GELU)");
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
