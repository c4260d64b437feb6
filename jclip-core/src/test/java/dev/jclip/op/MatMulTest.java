package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MatMulTest {
    // A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[1, 0], [0, 1], [2, -1]] (3×2), A·B = [[7, -1], [16, -1]]
    private static final float[] A = {1, 2, 3, 4, 5, 6};
    private static final float[] A_T = {1, 4, 2, 5, 3, 6};
    private static final float[] B = {1, 0, 0, 1, 2, -1};
    private static final float[] B_T = {1, 0, 2, 0, 1, -1};
    private static final float[] AB = {7, -1, 16, -1};

    @Test
    void allTransposeCombinationsByHand() {
        Tensor a = Tensor.of(A, 2, 3), at = Tensor.of(A_T, 3, 2), b = Tensor.of(B, 3, 2), bt = Tensor.of(B_T, 2, 3);
        assertArrayEquals(AB, MatMul.matmul(a, false, b, false).data());
        assertArrayEquals(AB, MatMul.matmul(at, true, b, false).data());
        assertArrayEquals(AB, MatMul.matmul(a, false, bt, true).data());
        assertArrayEquals(AB, MatMul.matmul(at, true, bt, true).data());
    }

    @Test
    void batchEntriesAreIndependentByHand() {
        // batch 0: A·B as above; batch 1: (−A)·B = −A·B
        float[] a2 = new float[12], b2 = new float[12];
        for (int i = 0; i < 6; i++) {
            a2[i] = A[i];
            a2[6 + i] = -A[i];
            b2[i] = B[i];
            b2[6 + i] = B[i];
        }
        Tensor c = MatMul.matmul(Tensor.of(a2, 1, 2, 2, 3), false, Tensor.of(b2, 1, 2, 3, 2), false);
        assertArrayEquals(new int[] {1, 2, 2, 2}, c.shape());
        assertArrayEquals(new float[] {7, -1, 16, -1, -7, 1, -16, 1}, c.data());
    }

    @Test
    void gradientsForEveryTransposeCombination() {
        int batch = 2, m = 2, k = 3, n = 4;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = GradCheck.randomParam(1, batch, ta ? k : m, ta ? m : k);
                Tensor b = GradCheck.randomParam(2, batch, tb ? n : k, tb ? k : n);
                GradCheck.check(in -> MatMul.matmul(in[0], ta, in[1], tb), 1e-2, 1e-3, a, b);
            }
        }
        Tensor a = GradCheck.randomParam(3, 2, 3), b = GradCheck.randomParam(4, 3, 3);
        GradCheck.check(in -> MatMul.matmul(in[0], false, in[1], true), 1e-2, 1e-3, a, b);
        GradCheck.check(in -> MatMul.matmul(in[0], false, in[0], true), 1e-2, 1e-3, a);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(Tensor.zeros(2, 3), false, Tensor.zeros(2, 3), false));
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(Tensor.zeros(2, 2, 3), false, Tensor.zeros(3, 3, 2), false));
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(Tensor.zeros(3), false, Tensor.zeros(3), false));
    }
}
