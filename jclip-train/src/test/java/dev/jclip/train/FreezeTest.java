package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreezeTest {

    /** A ViT CLIP's names with 11 vision and 3 text blocks, listed alphabetically as a file would (10 before 2). */
    private static Map<String, Tensor> vitNames() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : List.of("logit_scale", "ln_final.weight", "positional_embedding", "text_projection",
                "token_embedding.weight", "visual.class_embedding", "visual.conv1.weight", "visual.ln_post.bias",
                "visual.ln_pre.weight", "visual.proj")) {
            m.put(n, Tensor.parameter(new float[1]));
        }
        for (int i = 0; i < 11; i++) {
            m.put("visual.transformer.resblocks." + i + ".mlp.c_fc.weight", Tensor.parameter(new float[1]));
        }
        for (int i = 0; i < 3; i++) {
            m.put("transformer.resblocks." + i + ".ln_1.weight", Tensor.parameter(new float[1]));
        }
        return m;
    }

    @Test
    void freezeImageTowerKeepsTextAndScale() {
        var names = new Freeze(true, false, -1).trainable(vitNames()).keySet();
        assertEquals(List.of("logit_scale", "ln_final.weight", "positional_embedding", "text_projection",
                "token_embedding.weight", "transformer.resblocks.0.ln_1.weight", "transformer.resblocks.1.ln_1.weight",
                "transformer.resblocks.2.ln_1.weight"), List.copyOf(names));
    }

    @Test
    void lastBlocksKeepsTheHighestIndicesAndTheHeads() {
        var names = new Freeze(false, false, 2).trainable(vitNames()).keySet();
        assertEquals(List.of("logit_scale", "ln_final.weight", "text_projection", "visual.ln_post.bias", "visual.proj",
                "visual.transformer.resblocks.9.mlp.c_fc.weight", "visual.transformer.resblocks.10.mlp.c_fc.weight",
                "transformer.resblocks.1.ln_1.weight", "transformer.resblocks.2.ln_1.weight"), List.copyOf(names));
    }

    @Test
    void resNetBottlenecksCountAsBlocksInStageOrder() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : List.of("visual.bn1.weight", "visual.layer1.0.conv1.weight", "visual.layer1.1.conv1.weight",
                "visual.layer2.0.conv1.weight", "visual.layer4.0.bn3.weight", "visual.attnpool.c_proj.weight",
                "logit_scale")) {
            m.put(n, Tensor.parameter(new float[1]));
        }
        var names = new Freeze(false, true, 2).trainable(m).keySet();
        assertEquals(List.of("visual.layer2.0.conv1.weight", "visual.layer4.0.bn3.weight",
                "visual.attnpool.c_proj.weight", "logit_scale"), List.copyOf(names));
    }
}
