package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;
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
    void aTableIn16BitsIsReadRowByRowAndStaysIn16Bits() {
        // BF16 bits of 0, 1, 10, 11, 20, 21 (the upper halves of their float32 bits).
        short[] bits = new short[6];
        float[] values = {0, 1, 10, 11, 20, 21};
        for (int i = 0; i < 6; i++) {
            bits[i] = (short) (Float.floatToIntBits(values[i]) >>> 16);
        }
        MemorySegment table = MemorySegment.ofArray(bits);
        Tensor w = Tensor.mappedHalf(table, HalfType.BF16, 3, 2);
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, Embedding.forward(w, new int[] {2, 0, 2, 1}, 2, 2).data());
        assertSame(table, w.halfStorage());
    }

    @Test
    void backwardScatterAddsByHand() {
        Tensor w = Tensor.parameter(new float[6], 3, 2);
        Embedding.forward(w, new int[] {2, 0, 2}, 3).backward(new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {3, 4, 0, 0, 6, 8}, w.grad());
    }

    /** Columns split among tasks (a width of 150: two whole ranges and a part), ids repeated: the plain loop's bits. */
    @Test
    void backwardIsThePlainLoopsBitsForAnyThreadCount() {
        int v = 7, d = 150;
        int[] ids = {3, 0, 3, 6, 3, 1, 0, 5};
        float[] up = Tensor.randn(new java.util.SplittableRandom(3), 1f, ids.length, d).data();
        float[] want = new float[v * d];
        for (int t = 0; t < ids.length; t++) {
            for (int c = 0; c < d; c++) {
                want[ids[t] * d + c] += up[t * d + c];
            }
        }
        for (int threads : new int[] {1, 2, 3}) {
            Tensor w = Tensor.parameter(new float[v * d], v, d);
            try (dev.jclip.compute.Parallel pool = dev.jclip.compute.Parallel.of(threads)) {
                pool.run(() -> Embedding.forward(w, ids, ids.length).backward(up.clone()));
            }
            assertArrayEquals(want, w.grad(), threads + " threads");
        }
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
