package dev.jclip.spark;

import java.io.Serializable;

/**
 * The model a job embeds with, as executors find it: {@code path} (a safetensors file or model
 * folder, as {@link dev.jclip.api.ClipModel#load(java.nio.file.Path, java.nio.file.Path)} reads it) and
 * optionally {@code vocab}, both local paths that must exist on every executor (a shared mount, or
 * files shipped with {@code spark-submit --files}).
 */
public record ModelRef(String path, String vocab) implements Serializable {
    public ModelRef {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a model path is needed");
        }
    }
}
