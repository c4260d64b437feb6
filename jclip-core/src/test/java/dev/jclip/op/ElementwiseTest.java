package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseTest {

    @Test
    void addBroadcastsSuffixByHand() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, Elementwise.add(a, b).data());
        assertThrows(IllegalArgumentException.class, () -> Elementwise.add(a, Tensor.zeros(2)));
    }

    @Test
    void mulScalarAndExpByHand() {
        Tensor a = Tensor.of(new float[] {1, -2}, 2);
        assertArrayEquals(new float[] {3, -6}, Elementwise.mulScalar(a, Tensor.scalar(3)).data());
        assertEquals((float) Math.E, Elementwise.exp(Tensor.scalar(1)).item(), 1e-6f);
    }

    @Test
    void gradients() {
        Tensor a = GradCheck.randomParam(1, 3, 4), b = GradCheck.randomParam(2, 4), s = GradCheck.randomParam(3, 1);
        GradCheck.check(in -> Elementwise.add(in[0], in[1]), 1e-2, 1e-3, a, b);
        GradCheck.check(in -> Elementwise.mul(in[0], in[1]), 1e-2, 1e-3, a, b);
        GradCheck.check(in -> Elementwise.mulScalar(in[0], in[1]), 1e-2, 1e-3, a, s);
        GradCheck.check(in -> Elementwise.scale(in[0], -1.5f), 1e-2, 1e-3, a);
        GradCheck.check(in -> Elementwise.exp(in[0]), 1e-3, 1e-3, a);
        GradCheck.check(in -> Elementwise.exp(in[0].reshape(4, 3)), 1e-3, 1e-3, a);
    }
}
