package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizeTest {

    @Test
    void byHand() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, -2, 0, 0}, 2, 3);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, -1, 0, 0}, Normalize.l2(x).data(), 1e-7f);
    }

    @Test
    void zeroVectorGivesNaNLikePyTorch() {
        float[] y = Normalize.l2(Tensor.zeros(1, 3)).data();
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]) && Float.isNaN(y[2]));
    }

    @Test
    void gradient() {
        GradCheck.check(in -> Normalize.l2(in[0]), 1e-2, 1e-3, GradCheck.randomParam(11, 2, 3, 4));
    }
}
