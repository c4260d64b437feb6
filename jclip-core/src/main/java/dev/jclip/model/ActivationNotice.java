package dev.jclip.model;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once per process that a model's activation was assumed: OpenAI's and LAION's ViT-B/32
 * have the same tensor shapes but different GELUs, so weights without a config can only be
 * guessed at (OpenAI's QuickGELU), and a wrong guess silently changes every embedding.
 */
final class ActivationNotice {
    private static final AtomicBoolean SAID = new AtomicBoolean();

    private ActivationNotice() {}

    static void assumeQuickGelu(Path file) {
        if (SAID.compareAndSet(false, true)) {
            System.getLogger("dev.jclip").log(System.Logger.Level.WARNING, file + " comes with no config (open_clip_config.json, "
                    + "config.json or metadata): assuming OpenAI's QuickGELU. OpenCLIP configs without \"quick_gelu\": true "
                    + "(LAION, DataComp, MetaCLIP weights) use exact GELU: choose it explicitly (--activation gelu).");
        }
    }
}
