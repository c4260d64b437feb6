package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    /**
     * Three steps compared with PyTorch 1.13:
     * <pre>
     * w = torch.tensor([[0.5,-1.0],[2.0,0.25]], requires_grad=True)
     * b = torch.tensor([0.1,-0.2], requires_grad=True)
     * opt = torch.optim.AdamW([{"params":[w],"weight_decay":0.2},{"params":[b],"weight_decay":0.0}],
     *                         lr=0.01, betas=(0.9,0.98), eps=1e-6)
     * for gw, gb in grads: w.grad, b.grad = torch.tensor(gw), torch.tensor(gb); opt.step()
     * </pre>
     */
    @Test
    void matchesPyTorchAdamW() {
        Tensor w = Tensor.parameter(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2);
        Tensor b = Tensor.parameter(new float[] {0.1f, -0.2f}, 2);
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("visual.proj", w);
        named.put("visual.conv1.bias", b);
        AdamW opt = new AdamW(named, new AdamW.Config(0.01, 0.9, 0.98, 1e-6, 0.2));
        float[][][] grads = {
            {{1, -2, 0.5f, 0}, {0.3f, -0.1f}},
            {{0.2f, 0.1f, -1.5f, 2}, {-0.3f, 0.4f}},
            {{0, 1, 1, -1}, {1, 1}},
        };
        for (float[][] g : grads) {
            System.arraycopy(g[0], 0, w.gradForAccumulation(), 0, 4);
            System.arraycopy(g[1], 0, b.gradForAccumulation(), 0, 2);
            opt.step(0.01);
        }
        float[] expectW = {0.4727303981781006f, -0.9761914014816284f, 1.9827897548675537f, 0.23882977664470673f};
        float[] expectB = {0.08484574407339096f, -0.20306497812271118f};
        for (int i = 0; i < 4; i++) {
            assertEquals(expectW[i], w.data()[i], 2e-7f, "w[" + i + "]");
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(expectB[i], b.data()[i], 2e-7f, "b[" + i + "]");
        }
        assertEquals(3, opt.stepCount());
    }

    @Test
    void decayRuleFollowsOpenClip() {
        Tensor matrix = Tensor.parameter(new float[4], 2, 2);
        Tensor vector = Tensor.parameter(new float[2], 2);
        assertTrue(AdamW.decays("transformer.resblocks.0.attn.in_proj_weight", matrix));
        assertFalse(AdamW.decays("visual.class_embedding", vector));
        assertFalse(AdamW.decays("visual.bn1.weight", vector));
        assertFalse(AdamW.decays("ln_final.weight", vector));
        assertFalse(AdamW.decays("logit_scale", Tensor.parameter(new float[1])));
        assertTrue(AdamW.decays("positional_embedding", matrix));
    }

    @Test
    void parametersWithoutGradientAreUntouched() {
        Tensor w = Tensor.parameter(new float[] {1f, 2f}, 1, 2);
        AdamW opt = new AdamW(Map.of("w", w), AdamW.Config.openClip());
        opt.step(0.1);
        assertEquals(1f, w.data()[0]);
        assertEquals(2f, w.data()[1]);
    }
}
