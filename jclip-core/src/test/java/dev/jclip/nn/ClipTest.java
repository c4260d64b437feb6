package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipTest {
    private static final ClipConfig RN = new ClipConfig(16, ClipConfig.Vision.resnet(32, new int[] {1, 1, 1, 1}, 8),
            new ClipConfig.Text(6, 20, 64, 1, 1));
    private static final ClipConfig VIT = new ClipConfig(16, ClipConfig.Vision.vit(32, 1, 64, 16),
            new ClipConfig.Text(6, 20, 64, 1, 1));

    private static int[] tokens(int batch, int context) {
        int[] t = new int[batch * context];
        for (int i = 0; i < batch; i++) {
            t[i * context] = 18;
            t[i * context + 1 + i] = 19;   // the end token, at a different place in each row
        }
        return t;
    }

    @Test
    void refusesBadInputsByName() {
        Clip clip = ClipInit.random(RN, 1);
        Tensor images = Tensor.zeros(2, 3, 32, 32);
        String m = assertThrows(IllegalArgumentException.class, () -> clip.encodeImage(Tensor.zeros(2, 3, 31, 32))).getMessage();
        assertTrue(m.contains("[B, 3, 32, 32]"), m);
        for (Clip c : new Clip[] {clip, ClipInit.random(VIT, 1)}) {
            m = assertThrows(IllegalArgumentException.class, () -> c.encodeImage(Tensor.zeros(0, 3, 32, 32))).getMessage();
            assertTrue(m.contains("B >= 1, got [0, 3, 32, 32]"), m);
        }
        int[] bad = tokens(2, 6);
        bad[7] = 20;
        m = assertThrows(IllegalArgumentException.class, () -> clip.encodeText(bad)).getMessage();
        assertTrue(m.contains("token id 20 at [1, 1]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> clip.encodeText(new int[7])).getMessage();
        assertTrue(m.contains("[B, 6]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> clip.forward(images, tokens(3, 6))).getMessage();
        assertTrue(m.contains("3 texts"), m);
    }

    @Test
    void onlyTrainingMovesBatchNormStatistics() {
        Clip clip = ClipInit.random(RN, 2);
        Tensor images = Tensor.randn(new SplittableRandom(3), 1f, 2, 3, 32, 32);
        float[] before = clip.stateDict().get("visual.bn1.running_mean").data().clone();
        clip.train(false);
        try (var _ = GradMode.noGrad()) {
            clip.forward(images, tokens(2, 6));
        }
        assertArrayEquals(before, clip.stateDict().get("visual.bn1.running_mean").data());
        clip.train(true);
        assertTrue(clip.visual().isTraining());
        clip.forward(images, tokens(2, 6));
        assertFalse(Arrays.equals(before, clip.stateDict().get("visual.bn1.running_mean").data()));
    }

    @Test
    void logitsAreScaledCosines() {
        // Two orthogonal and two parallel feature rows: cosines 0 and 1, times exp(ln 2) = 2.
        Clip clip = ClipInit.random(RN, 4);
        clip.stateDict().get("logit_scale").data()[0] = (float) Math.log(2);
        Tensor img = Tensor.of(new float[] {3, 0, 0, 5}, 2, 2);
        Tensor txt = Tensor.of(new float[] {0, 1, 2, 0}, 2, 2);
        assertArrayEquals(new float[] {0, 2, 2, 0}, clip.logitsPerImage(img, txt).data(), 1e-6f);
        // Loss: each row and column is softmax over {0, 2} with the label on the 0: -log(1/(1+e²)).
        double expected = Math.log(1 + Math.exp(2));
        assertEquals(expected, Clip.contrastiveLoss(clip.logitsPerImage(img, txt)).item(), 1e-5);
    }
}
