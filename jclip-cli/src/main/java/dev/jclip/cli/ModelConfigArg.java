package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import dev.jclip.io.Json;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipPresets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The value of {@code --model-config}: a preset name, an OpenCLIP model-config JSON file, or that JSON inline. */
final class ModelConfigArg {
    private ModelConfigArg() {}

    static ClipConfig parse(String value) throws IOException {
        if (ClipPresets.names().contains(value)) {
            return ClipPresets.get(value);
        }
        if (value.strip().startsWith("{")) {
            try {
                return ClipConfig.fromOpenClipJson(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--model-config (inline JSON): " + e.getMessage(), e);
            }
        }
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--model-config " + value + " is neither a preset ("
                    + String.join(", ", ClipPresets.names()) + "), a JSON file nor inline JSON");
        }
        Map<String, Object> json = Json.readObject(p);
        try {
            return ClipConfig.fromOpenClipJson(json, Gelu.ERF);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }
}
