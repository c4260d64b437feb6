package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoolTest {

    @Test
    void kernelEqualsStrideDropsPartialWindowsByHand() {
        // One 5×5 plane holding 0..24; AvgPool2d(2) keeps rows/cols 0..3.
        float[] d = new float[25];
        for (int i = 0; i < 25; i++) {
            d[i] = i;
        }
        Tensor y = Pool.avgPool2d(Tensor.of(d, 1, 1, 5, 5), 2, 2);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        // (0+1+5+6)/4, (2+3+7+8)/4, (10+11+15+16)/4, (12+13+17+18)/4
        assertArrayEquals(new float[] {3, 5, 13, 15}, y.data());
    }

    @Test
    void overlappingWindowsAndGradientByHand() {
        // Two planes of 3×3, kernel 2, stride 1: each output averages an overlapping window.
        float[] d = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 4, 0, 0, 0, 0};
        Tensor x = Tensor.parameter(d, 1, 2, 3, 3);
        Tensor y = Pool.avgPool2d(x, 2, 1);
        assertArrayEquals(new float[] {3, 4, 6, 7, 1, 1, 1, 1}, y.data());
        y.backward(new float[] {4, 4, 4, 4, 0, 0, 0, 8});
        // Each output spreads g/4 over its window; the centre of plane 0 is in all four windows.
        assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1, 0, 0, 0, 0, 2, 2, 0, 2, 2}, x.grad());
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(1, 2, 3, 5, 4);
        GradCheck.check(in -> Pool.avgPool2d(in[0], 2, 2), 1e-2, 1e-3, x);
        GradCheck.check(in -> Pool.avgPool2d(in[0], 3, 1), 1e-2, 1e-3, x);
        GradCheck.check(in -> Pool.avgPool2d(in[0], 2, 3), 1e-2, 1e-3, x);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Pool.avgPool2d(Tensor.zeros(1, 1, 2, 2), 3, 3));
        assertThrows(IllegalArgumentException.class, () -> Pool.avgPool2d(Tensor.zeros(1, 1, 2, 2), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Pool.avgPool2d(Tensor.zeros(2, 2, 2), 2, 2));
    }

    @Test
    void channelsLastGivesTheSameBitsAsChannelsFirst() {
        // 2 images × 5 channels of 7×6, kernel 2 stride 2 and kernel 3 stride 1, against avgPool2d.
        Tensor x = Tensor.randn(new SplittableRandom(5), 1f, 2, 5, 7, 6);
        for (int[] ks : new int[][] {{2, 2}, {3, 1}}) {
            Tensor want = Pool.avgPool2d(x, ks[0], ks[1]);
            Tensor got;
            try (var _ = GradMode.noGrad()) {
                got = Pool.avgPool2dChannelsLast(Views.permute(x, 0, 2, 3, 1), ks[0], ks[1], float[]::new);
            }
            assertArrayEquals(Views.permute(want, 0, 2, 3, 1).shape(), got.shape());
            assertArrayEquals(Views.permute(want, 0, 2, 3, 1).data(), got.data());
        }
    }

    @Test
    void channelsLastByHand() {
        // One 2×4 image of 2 channels (channel 1 = 10 × channel 0), kernel 2: two windows.
        float[] d = {0, 0, 1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60, 7, 70};
        Tensor y;
        try (var _ = GradMode.noGrad()) {
            y = Pool.avgPool2dChannelsLast(Tensor.of(d, 1, 2, 4, 2), 2, 2, float[]::new);
        }
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        // (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, and ten times those.
        assertArrayEquals(new float[] {2.5f, 25, 4.5f, 45}, y.data());
        assertThrows(IllegalStateException.class,
                () -> Pool.avgPool2dChannelsLast(Tensor.parameter(d, 1, 2, 4, 2), 2, 2, float[]::new));
    }
}
