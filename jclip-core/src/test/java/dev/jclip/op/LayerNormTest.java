package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void matchesPyTorch() {
        // x = torch.tensor([[1., 2., 4.], [-0.5, 0.25, 3.]]); w = torch.tensor([0.5, -1., 2.])
        // b = torch.tensor([0.1, 0.2, -0.3]); F.layer_norm(x, (3,), w, b, 1e-5)
        Tensor x = Tensor.of(new float[] {1, 2, 4, -0.5f, 0.25f, 3}, 2, 3);
        Tensor w = Tensor.of(new float[] {0.5f, -1, 2}, 3);
        Tensor b = Tensor.of(new float[] {0.1f, 0.2f, -0.3f}, 3);
        float[] expected = {-0.43452069f, 0.4672603f, 2.3726037f, -0.37077036f, 0.64307797f, 2.4692376f};
        assertArrayEquals(expected, LayerNorm.forward(x, w, b, 1e-5f).data(), 1e-6f);
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(1, 2, 3, 5), w = GradCheck.randomParam(2, 5), b = GradCheck.randomParam(3, 5);
        GradCheck.check(in -> LayerNorm.forward(in[0], in[1], in[2], 1e-5f), 1e-2, 2e-3, x, w, b);
        // 19 columns: whole vectors and a tail
        Tensor x2 = GradCheck.randomParam(8, 2, 3, 19), w2 = GradCheck.randomParam(9, 19), b2 = GradCheck.randomParam(10, 19);
        GradCheck.check(in -> LayerNorm.forward(in[0], in[1], in[2], 1e-5f), 1e-2, 2e-3, x2, w2, b2);
    }

    /** The weight and bias gradients are summed over rows in fixed chunks: the pool's size changes no bit. */
    @Test
    void sameBitsForAnyThreadCount() {
        float[][] gx = new float[2][], gw = new float[2][], gb = new float[2][];
        int[] threads = {1, 3};
        for (int r = 0; r < 2; r++) {
            int run = r;
            try (Parallel pool = Parallel.of(threads[r])) {
                pool.run(() -> {
                    // 100 rows: three full chunks of rows and a partial one; 37 columns: a vector tail
                    Tensor x = GradCheck.randomParam(4, 4, 25, 37), w = GradCheck.randomParam(5, 37);
                    Tensor b = GradCheck.randomParam(6, 37);
                    LayerNorm.forward(x, w, b, 1e-5f).backward(GradCheck.randomParam(7, 4, 25, 37).data());
                    gx[run] = x.grad();
                    gw[run] = w.grad();
                    gb[run] = b.grad();
                });
            }
        }
        assertArrayEquals(gx[0], gx[1]);
        assertArrayEquals(gw[0], gw[1]);
        assertArrayEquals(gb[0], gb[1]);
    }

    @Test
    void rejectsMismatchedParameters() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(x, Tensor.zeros(4), Tensor.zeros(3), 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(x, Tensor.zeros(3), Tensor.zeros(2), 1e-5f));
    }
}
