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
 * The configs of OpenCLIP's built-in-tower models under OpenCLIP's names ({@code RN50},
 * {@code ViT-B-32}, {@code ViT-B-32-quickgelu}, {@code ViT-H-14-378}, ...): every
 * {@code src/open_clip/model_configs/<name>.json} of open_clip 3.3 whose towers jclip builds,
 * kept in the resource {@code presets.json} (made by {@code parity/make_presets.py}) and read with
 * {@link ClipConfig#fromOpenClipJson}. As in OpenCLIP, a name without {@code -quickgelu} means exact
 * GELU: OpenAI's released weights are the {@code -quickgelu} presets (and {@code ViT-L-14-336}
 * differs from them only in the activation).
 */
public final class ClipPresets {
    private static final Map<String, ClipConfig> PRESETS = load();

    private ClipPresets() {}

    @SuppressWarnings("unchecked")
    private static Map<String, ClipConfig> load() {
        try (InputStream in = ClipPresets.class.getResourceAsStream("presets.json")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/jclip/model/presets.json is missing from the jclip-core jar");
            }
            Map<String, ClipConfig> presets = new LinkedHashMap<>();
            Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .forEach((name, cfg) -> presets.put(name, ClipConfig.fromOpenClipJson((Map<String, Object>) cfg, Gelu.ERF)));
            return Collections.unmodifiableMap(presets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the presets resource", e);
        }
    }

    /** The preset names, in OpenCLIP's file order. */
    public static Set<String> names() {
        return PRESETS.keySet();
    }

    /** The config of a preset; the error lists the known names. */
    public static ClipConfig get(String name) {
        ClipConfig c = PRESETS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
        }
        return c;
    }
}
