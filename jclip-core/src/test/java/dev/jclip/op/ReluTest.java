package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReluTest {

    @Test
    void valuesAndGradientByHand() {
        Tensor x = Tensor.parameter(new float[] {-2, 0, 0.5f, 3}, 2, 2);
        Tensor y = Relu.forward(x);
        assertArrayEquals(new float[] {0, 0, 0.5f, 3}, y.data());
        y.backward(new float[] {1, 2, 3, 4});
        // PyTorch's relu passes no gradient at exactly 0.
        assertArrayEquals(new float[] {0, 0, 3, 4}, x.grad());
    }

    @Test
    void gradients() {
        // Values kept at least 0.1 away from the kink so finite differences stay on one side.
        float[] d = GradCheck.randomParam(1, 3, 4).data();
        for (int i = 0; i < d.length; i++) {
            d[i] += Math.copySign(0.1f, d[i]);
        }
        GradCheck.check(in -> Relu.forward(in[0]), 1e-2, 1e-3, Tensor.parameter(d, 3, 4));
    }
}
