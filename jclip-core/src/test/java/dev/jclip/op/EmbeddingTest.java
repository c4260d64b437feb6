package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void looksUpRowsByHand() {
        Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor e = Embedding.forward(w, new int[] {2, 0, 2, 1}, 2, 2);
        assertArrayEquals(new int[] {2, 2, 2}, e.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, e.data());
    }

    @Test
    void backwardScatterAddsByHand() {
        Tensor w = Tensor.parameter(new float[6], 3, 2);
        Embedding.forward(w, new int[] {2, 0, 2}, 3).backward(new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {3, 4, 0, 0, 6, 8}, w.grad());
    }

    @Test
    void gradient() {
        Tensor w = GradCheck.randomParam(9, 5, 3);
        GradCheck.check(in -> Embedding.forward(in[0], new int[] {4, 1, 1, 0, 4, 2}, 2, 3), 1e-2, 1e-3, w);
    }

    @Test
    void rejectsIdOutOfRange() {
        Tensor w = Tensor.zeros(3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.forward(w, new int[] {0, 3}, 2));
        assertTrue(e.getMessage().contains("id 3") && e.getMessage().contains("3 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Embedding.forward(w, new int[] {-1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Embedding.forward(w, new int[] {0, 1}, 3));
    }
}
