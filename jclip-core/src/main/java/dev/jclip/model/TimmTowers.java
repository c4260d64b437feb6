package dev.jclip.model;

import dev.jclip.compute.Gelu;
import dev.jclip.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The shapes of timm's SigLIP image trunks ({@code vit_base_patch16_siglip_224}, ...), which
 * OpenCLIP's SigLIP configs name by {@code timm_model_name}: kept in the resource
 * {@code timm-towers.json}, made from timm 1.0 by {@code parity/make_timm_towers.py}. Every one has
 * no class token, a patch bias, no {@code ln_pre}, LayerNorm epsilon 1e-6; OpenCLIP's
 * {@code timm_pool} chooses the pooling.
 */
final class TimmTowers {
    /** timm's ViT LayerNorm epsilon. */
    static final float LN_EPS = 1e-6f;

    /** One trunk: square images of {@code imageSize}, its blocks' shape and activation. */
    record Tower(int imageSize, int patchSize, int width, int layers, int heads, int mlpWidth, Gelu act) {}

    private static final Map<String, Tower> TOWERS = load();

    private TimmTowers() {}

    /** The trunk named {@code name}, or null when timm has no SigLIP trunk of that name. */
    static Tower get(String name) {
        return TOWERS.get(name);
    }

    /** The known names. */
    static Set<String> names() {
        return TOWERS.keySet();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tower> load() {
        try (InputStream in = TimmTowers.class.getResourceAsStream("timm-towers.json")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/jclip/model/timm-towers.json is missing from the jclip-core jar");
            }
            Map<String, Tower> out = new LinkedHashMap<>();
            Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).forEach((name, o) -> {
                Map<String, Object> m = (Map<String, Object>) o;
                out.put(name, new Tower(num(m, "image_size"), num(m, "patch_size"), num(m, "width"), num(m, "layers"),
                        num(m, "heads"), num(m, "mlp_width"), "tanh".equals(m.get("act")) ? Gelu.TANH : Gelu.ERF));
            });
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the timm towers resource", e);
        }
    }

    private static int num(Map<String, Object> m, String key) {
        return (int) (long) (Long) m.get(key);
    }
}
