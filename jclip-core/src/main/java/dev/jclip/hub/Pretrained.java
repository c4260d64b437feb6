package dev.jclip.hub;

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
 * open_clip's pretrained tags ({@code ViT-B-32} + {@code laion2b_s34b_b79k}, ...) for the models
 * jclip has presets of: the hub repository holding each tag's weights, whether they were trained
 * with QuickGELU, and the tag's preprocessing. Kept in the resource {@code pretrained.json}, made
 * from open_clip 3.3 by {@code parity/make_pretrained.py}.
 *
 * @param repo the hub repository ({@code org/name})
 * @param quickGelu true if the weights were trained with QuickGELU
 * @param preprocess the tag's preprocessing keys, as in an {@code open_clip_config.json}'s
 *     {@code preprocess_cfg} ({@code mean}, {@code std}, {@code interpolation}, {@code resize_mode})
 */
public record Pretrained(String repo, boolean quickGelu, Map<String, Object> preprocess) {
    private static final Map<String, Map<String, Pretrained>> TAGS = load();

    /** The model names that have pretrained tags, in open_clip's order. */
    public static Set<String> models() {
        return TAGS.keySet();
    }

    /** The tags of {@code model} (empty if none). */
    public static Set<String> tags(String model) {
        return TAGS.getOrDefault(model, Map.of()).keySet();
    }

    /** The tag {@code tag} of {@code model}; the error lists the known ones. */
    public static Pretrained get(String model, String tag) {
        Map<String, Pretrained> tags = TAGS.get(model);
        if (tags == null) {
            throw new IllegalArgumentException("open_clip has no pretrained weights for a model named '" + model
                    + "' that jclip builds; models with tags: " + String.join(", ", TAGS.keySet()));
        }
        Pretrained p = tags.get(tag);
        if (p == null) {
            throw new IllegalArgumentException("'" + tag + "' is not a pretrained tag of " + model + "; its tags: "
                    + String.join(", ", tags.keySet()));
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Pretrained>> load() {
        try (InputStream in = Pretrained.class.getResourceAsStream("pretrained.json")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/jclip/hub/pretrained.json is missing from the jclip-core jar");
            }
            Map<String, Map<String, Pretrained>> out = new LinkedHashMap<>();
            Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).forEach((model, tags) -> {
                Map<String, Pretrained> byTag = new LinkedHashMap<>();
                ((Map<String, Object>) tags).forEach((tag, v) -> {
                    Map<String, Object> cfg = new LinkedHashMap<>((Map<String, Object>) v);
                    String hub = (String) cfg.remove("hf_hub");
                    boolean quick = Boolean.TRUE.equals(cfg.remove("quick_gelu"));
                    byTag.put(tag, new Pretrained(hub.endsWith("/") ? hub.substring(0, hub.length() - 1) : hub, quick,
                            Collections.unmodifiableMap(cfg)));
                });
                out.put(model, Collections.unmodifiableMap(byTag));
            });
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pretrained-tags resource", e);
        }
    }
}
