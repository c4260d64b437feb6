package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void causalMaskByHand() {
        assertArrayEquals(new float[] {0, NEG_INF, NEG_INF, 0, 0, NEG_INF, 0, 0, 0}, Softmax.causalMask(3).data());
        assertArrayEquals(new int[] {3, 3}, Softmax.causalMask(3).shape());
    }

    @Test
    void matchesPyTorchWithoutMask() {
        // torch.softmax(torch.tensor([[1., 2., 3.], [0., -1., 0.5]]), -1)
        Tensor x = Tensor.of(new float[] {1, 2, 3, 0, -1, 0.5f}, 2, 3);
        float[] expected = {0.090030573f, 0.24472848f, 0.66524094f, 0.33149895f, 0.12195165f, 0.54654938f};
        assertArrayEquals(expected, Softmax.forward(x, null).data(), 1e-6f);
    }

    @Test
    void matchesPyTorchWithCausalMaskBroadcast() {
        // s3 = torch.tensor([[[1., 2., 3.], [0., -1., 0.5], [2., 2., -2.]],
        //                    [[0.3, 0.1, -0.2], [4., 1., 0.], [-1., -2., -3.]]])
        // mask = torch.full((3, 3), float("-inf")).triu(1); torch.softmax(s3 + mask, -1)
        Tensor x = Tensor.of(new float[] {1, 2, 3, 0, -1, 0.5f, 2, 2, -2, 0.3f, 0.1f, -0.2f, 4, 1, 0, -1, -2, -3}, 2, 3, 3);
        float[] expected = {1.0f, 0.0f, 0.0f, 0.7310586f, 0.26894143f, 0.0f, 0.49546266f, 0.49546266f, 0.009074715f,
            1.0f, 0.0f, 0.0f, 0.95257413f, 0.047425874f, 0.0f, 0.66524094f, 0.24472848f, 0.090030573f};
        assertArrayEquals(expected, Softmax.forward(x, Softmax.causalMask(3)).data(), 1e-6f);
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(5, 2, 2, 4, 4);
        GradCheck.check(in -> Softmax.forward(in[0], null), 1e-2, 1e-3, x);
        // -inf entries stay -inf under any perturbation of x, so the check is smooth there.
        Tensor causal = Softmax.causalMask(4);
        GradCheck.check(in -> Softmax.forward(in[0], causal), 1e-2, 1e-3, x);
        // A finite trainable mask [4, 4] and [4] broadcast over the leading dimensions.
        GradCheck.check(in -> Softmax.forward(in[0], in[1]), 1e-2, 1e-3, x, GradCheck.randomParam(6, 4, 4));
        GradCheck.check(in -> Softmax.forward(in[0], in[1]), 1e-2, 1e-3, x, GradCheck.randomParam(7, 4));
    }

    @Test
    void rejectsMaskThatDoesNotBroadcast() {
        assertThrows(IllegalArgumentException.class, () -> Softmax.forward(Tensor.zeros(2, 3, 3), Tensor.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Softmax.forward(Tensor.zeros(2, 3), Tensor.scalar(0)));
    }
}
