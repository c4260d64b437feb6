package dev.jclip.model;

import dev.jclip.model.ClipConfig.Text;
import dev.jclip.model.ClipConfig.Vision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configs of OpenAI's released CLIP models under OpenCLIP's names, with the
 * values of OpenCLIP's {@code src/open_clip/model_configs/<name>.json}.
 */
public final class ClipPresets {
    private static final Map<String, ClipConfig> PRESETS = new LinkedHashMap<>();

    static {
        resnet("RN50", 1024, 224, new int[] {3, 4, 6, 3}, 64, 512, 8);
        resnet("RN101", 512, 224, new int[] {3, 4, 23, 3}, 64, 512, 8);
        resnet("RN50x4", 640, 288, new int[] {4, 6, 10, 6}, 80, 640, 10);
        resnet("RN50x16", 768, 384, new int[] {6, 8, 18, 8}, 96, 768, 12);
        resnet("RN50x64", 1024, 448, new int[] {3, 15, 36, 10}, 128, 1024, 16);
        vit("ViT-B-32", 512, 224, 12, 768, 32, 512, 8);
        vit("ViT-B-16", 512, 224, 12, 768, 16, 512, 8);
        vit("ViT-L-14", 768, 224, 24, 1024, 14, 768, 12);
        vit("ViT-L-14-336", 768, 336, 24, 1024, 14, 768, 12);
    }

    private ClipPresets() {}

    private static void resnet(String name, int embed, int image, int[] layers, int width, int textWidth, int textHeads) {
        PRESETS.put(name, new ClipConfig(embed, Vision.resnet(image, layers, width), text(textWidth, textHeads)));
    }

    private static void vit(String name, int embed, int image, int layers, int width, int patch, int textWidth, int textHeads) {
        PRESETS.put(name, new ClipConfig(embed, Vision.vit(image, layers, width, patch), text(textWidth, textHeads)));
    }

    /** Every released text tower: 77 tokens, the 49,408-token BPE vocabulary, 12 layers. */
    private static Text text(int width, int heads) {
        return new Text(77, 49408, width, heads, 12);
    }

    /** The preset names, in release order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(PRESETS.keySet());
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
