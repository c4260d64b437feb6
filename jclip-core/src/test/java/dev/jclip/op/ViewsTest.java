package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ViewsTest {

    private static Tensor arange(int... shape) {
        float[] d = new float[Tensor.checkedNumel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Tensor.of(d, shape);
    }

    @Test
    void permuteMatchesPyTorch() {
        // torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)
        float[] expected = {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23};
        Tensor p = Views.permute(arange(2, 3, 4), 2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertArrayEquals(expected, p.data());
        assertArrayEquals(expected, Views.permute(arange(2, 3, 4), -1, 0, 1).data());
    }

    @Test
    void transposeByHand() {
        Tensor t = Views.transpose(arange(2, 3), 0, 1);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.data());
        assertArrayEquals(t.data(), Views.transpose(arange(2, 3), -1, -2).data());
    }

    @Test
    void sliceByHand() {
        // arange(2, 3, 2) = [[[0,1],[2,3],[4,5]], [[6,7],[8,9],[10,11]]]
        Tensor s = Views.slice(arange(2, 3, 2), 1, 1, 3);
        assertArrayEquals(new int[] {2, 2, 2}, s.shape());
        assertArrayEquals(new float[] {2, 3, 4, 5, 8, 9, 10, 11}, s.data());
        assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, Views.slice(arange(2, 3, 2), -1, 1, 2).data());
        assertArrayEquals(new int[] {2, 0, 2}, Views.slice(arange(2, 3, 2), 1, 2, 2).shape());
    }

    @Test
    void concatByHand() {
        Tensor a = arange(2, 2), b = Tensor.of(new float[] {10, 11, 12, 13, 14, 15}, 2, 3);
        Tensor c = Views.concat(-1, a, b);
        assertArrayEquals(new int[] {2, 5}, c.shape());
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, c.data());
        Tensor r = Views.concat(0, a, a);
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 1, 2, 3}, r.data());
        assertThrows(IllegalArgumentException.class, () -> Views.concat(0, a, b));
    }

    @Test
    void selectClassTokenByHand() {
        // x[:, 0, :] of arange(2, 3, 2)
        Tensor s = Views.select(arange(2, 3, 2), 1, 0);
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new float[] {0, 1, 6, 7}, s.data());
        assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, Views.select(arange(2, 3, 2), -1, 1).data());
    }

    @Test
    void rejectsBadArguments() {
        Tensor x = arange(2, 3);
        assertThrows(IllegalArgumentException.class, () -> Views.permute(x, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Views.permute(x, 0));
        assertThrows(IllegalArgumentException.class, () -> Views.transpose(x, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Views.slice(x, 1, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> Views.slice(x, -3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Views.select(x, 0, 2));
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(13, 2, 3, 4);
        for (int[] perm : new int[][] {{0, 1, 2}, {2, 0, 1}, {1, 0, 2}, {0, 2, 1}, {-1, -3, -2}}) {
            GradCheck.check(in -> Views.permute(in[0], perm), 1e-2, 1e-3, x);
        }
        GradCheck.check(in -> Views.transpose(in[0], 0, 2), 1e-2, 1e-3, x);
        GradCheck.check(in -> Views.transpose(in[0], -1, -2), 1e-2, 1e-3, x);
        GradCheck.check(in -> Views.slice(in[0], 0, 1, 2), 1e-2, 1e-3, x);
        GradCheck.check(in -> Views.slice(in[0], 1, 0, 2), 1e-2, 1e-3, x);
        GradCheck.check(in -> Views.slice(in[0], -1, 1, 4), 1e-2, 1e-3, x);
        for (int dim : new int[] {0, 1, -1}) {
            GradCheck.check(in -> Views.select(in[0], dim, 1), 1e-2, 1e-3, x);
        }
        // Parts differ along the concat dimension; one part is a constant.
        Tensor c = Tensor.randn(new java.util.SplittableRandom(14), 1f, 2, 3, 4);
        GradCheck.check(in -> Views.concat(0, in[0], in[1], c), 1e-2, 1e-3, x, GradCheck.randomParam(15, 1, 3, 4));
        GradCheck.check(in -> Views.concat(1, in[0], in[1]), 1e-2, 1e-3, x, GradCheck.randomParam(16, 2, 2, 4));
        GradCheck.check(in -> Views.concat(-1, in[0], in[1]), 1e-2, 1e-3, x, GradCheck.randomParam(17, 2, 3, 1));
    }
}
