package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GatherTest {

    @Test
    void endTokenPoolingByHand() {
        // x [B=2, L=3, D=2]; end tokens at positions 1 and 2 → rows 0·3+1 and 1·3+2.
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2);
        Tensor pooled = Gather.rows(x.reshape(6, 2), new int[] {1, 5});
        assertArrayEquals(new int[] {2, 2}, pooled.shape());
        assertArrayEquals(new float[] {2, 3, 10, 11}, pooled.data());
    }

    @Test
    void backwardScatterAddsByHand() {
        Tensor x = Tensor.parameter(new float[6], 3, 2);
        Gather.rows(x, new int[] {1, 1, 0}).backward(new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {5, 6, 4, 6, 0, 0}, x.grad());
    }

    @Test
    void gradient() {
        GradCheck.check(in -> Gather.rows(in[0], new int[] {3, 0, 3, 2}), 1e-2, 1e-3, GradCheck.randomParam(10, 4, 3));
    }

    @Test
    void rejectsBadInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> Gather.rows(Tensor.zeros(3, 2), new int[] {3}));
        assertTrue(e.getMessage().contains("row 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gather.rows(Tensor.zeros(2, 3, 2), new int[] {0}));
    }
}
