package dev.jclip.model;

import dev.jclip.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model-config parity cases of {@code parity/make_config_cases.py}
 * ({@code parity/configs/cases.json}): {@code open_clip_cases} and {@code hf_cases}, each with a
 * name, the config, the state dict's names and shapes, token ids and the reference features.
 */
public final class ConfigCases {
    private static final Map<String, Object> ROOT = load();

    private ConfigCases() {}

    private static Map<String, Object> load() {
        try (InputStream in = ConfigCases.class.getResourceAsStream("/parity/configs/cases.json")) {
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case of {@code group} ({@code open_clip_cases} or {@code hf_cases}). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> all(String group) {
        return (List<Map<String, Object>>) ROOT.get(group);
    }

    /** The case of {@code group} named {@code name}. */
    public static Map<String, Object> get(String group, String name) {
        return all(group).stream().filter(c -> c.get("name").equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + group + " case " + name));
    }

    /**
     * Writes case {@code c} of {@code open_clip_cases} or {@code custom_cases} into {@code dir} as
     * an open_clip hub folder: {@code open_clip_config.json} with the shrunk config and
     * {@code preprocessCfg}, and {@code open_clip_model.safetensors} ({@link NamedWeights}).
     */
    @SuppressWarnings("unchecked")
    public static Path writeOpenClipFolder(Map<String, Object> c, String preprocessCfg, Path dir) throws IOException {
        Files.writeString(dir.resolve("open_clip_config.json"),
                "{\"model_cfg\":" + json(c.get("shrunk")) + ",\"preprocess_cfg\":" + preprocessCfg + "}");
        NamedWeights.write((Map<String, Object>) c.get("tensors"), dir.resolve("open_clip_model.safetensors"));
        return dir;
    }

    /**
     * Writes a case of {@code hf_cases} or {@code hf_single_tower_cases} into {@code dir} as a
     * Hugging Face folder: {@code config.json} and {@code model.safetensors} ({@link NamedWeights}).
     */
    @SuppressWarnings("unchecked")
    public static Path writeHuggingFaceFolder(Map<String, Object> c, Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), json(c.get("hf_config")));
        NamedWeights.write((Map<String, Object>) c.get("tensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    /** {@code o} (a parsed JSON value) written as JSON again. */
    public static String json(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder s = new StringBuilder("{");
            m.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append(json(k)).append(':').append(json(v)));
            return s.append('}').toString();
        }
        if (o instanceof List<?> l) {
            StringBuilder s = new StringBuilder("[");
            l.forEach(v -> s.append(s.length() > 1 ? "," : "").append(json(v)));
            return s.append(']').toString();
        }
        if (o instanceof String str) {
            return "\"" + str.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(o);
    }
}
