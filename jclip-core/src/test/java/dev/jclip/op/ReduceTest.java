package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReduceTest {
    // [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], shape [2, 3, 2]
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2);

    @Test
    void meanByHand() {
        Tensor m0 = Reduce.mean(X, 0);
        assertArrayEquals(new int[] {3, 2}, m0.shape());
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9}, m0.data());
        Tensor m1 = Reduce.mean(X, 1);
        assertArrayEquals(new int[] {2, 2}, m1.shape());
        assertArrayEquals(new float[] {3, 4, 9, 10}, m1.data());
        Tensor m2 = Reduce.mean(X, -1);
        assertArrayEquals(new int[] {2, 3}, m2.shape());
        assertArrayEquals(new float[] {1.5f, 3.5f, 5.5f, 7.5f, 9.5f, 11.5f}, m2.data());
    }

    @Test
    void sumByHand() {
        Tensor s = Reduce.sum(X);
        assertEquals(0, s.rank());
        assertEquals(78f, s.item());
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(8, 2, 3, 4);
        for (int dim : new int[] {0, 1, 2, -1, -3}) {
            GradCheck.check(in -> Reduce.mean(in[0], dim), 1e-2, 1e-3, x);
        }
        GradCheck.check(in -> Reduce.sum(in[0]), 1e-2, 1e-3, x);
    }
}
