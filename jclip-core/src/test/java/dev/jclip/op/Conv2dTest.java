package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Conv2dTest {
    /*
     * Expected values from PyTorch 1.13 (float32), inputs made by the same formula as pattern():
     *
     *   def v(shape, s):
     *       n = math.prod(shape)
     *       return torch.tensor([((i * 37 + s * 11) % 23 - 11) / 8 for i in range(n)]).reshape(shape)
     *   b = v((3,), 3)
     *   F.conv2d(v((2, 2, 5, 4), 1), v((3, 2, 3, 2), 2), b, stride=2, padding=1)   # STRIDED_PADDED
     *   F.conv2d(v((2, 2, 2, 3), 1), v((3, 2, 1, 1), 4), b)                       # POINTWISE
     *   F.conv2d(v((1, 2, 4, 4), 9), v((3, 2, 2, 2), 5), None, stride=2)          # PATCH
     */
    private static final float[] STRIDED_PADDED = {
        -2.46875f, 0.953125f, -1.4375f, 0.171875f, -0.46875f, 0.578125f, -1.5625f, -2.46875f, 1.0625f,
        -3.046875f, -0.828125f, -1.25f, 1.984375f, -1.21875f, 0.125f, 0.5625f, -0.640625f, 0.359375f,
        1.046875f, -1.890625f, -0.34375f, -2.3125f, 1.265625f, -1.046875f, 1.609375f, 1.1875f, -1.0625f,
        1.71875f, 0.890625f, 1.5f, 1.34375f, 1.078125f, -0.484375f, 0.125f, 2.171875f, 1.859375f,
        -3.265625f, 1.078125f, -2.71875f, -2.015625f, -5.34375f, -0.71875f, -2.15625f, -0.140625f, -3.609375f,
        1.8125f, -0.890625f, 2.046875f, -0.703125f, 2.25f, -1.671875f, -0.125f, -2.453125f, 1.34375f};
    private static final float[] POINTWISE = {
        -0.25f, -1.4375f, 0.609375f, -0.578125f, 1.46875f, -0.078125f, -2.0f, 0.4375f, -2.15625f,
        0.28125f, -2.3125f, -2.03125f, -0.875f, 1.953125f, -0.25f, 2.578125f, 0.375f, -0.75f,
        0.953125f, -0.59375f, -1.78125f, 0.265625f, -0.921875f, 1.125f, -2.21875f, -1.9375f, 0.5f,
        -2.09375f, 0.34375f, -2.25f, 0.0f, -1.125f, 1.703125f, -0.5f, 2.328125f, 0.125f};
    private static final float[] PATCH = {
        -2.90625f, -0.125f, 2.109375f, 0.578125f, 0.96875f, -1.71875f, 2.796875f, -2.046875f,
        0.171875f, -1.515625f, -0.109375f, -1.796875f};

    /** Multiples of 1/8 in [−11/8, 11/8], so every product and sum above is exact in float32. */
    private static Tensor pattern(int s, int... shape) {
        float[] d = new float[Tensor.checkedNumel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((i * 37 + s * 11) % 23 - 11) / 8f;
        }
        return Tensor.of(d, shape);
    }

    @Test
    void matchesPyTorch() {
        Tensor b = pattern(3, 3);
        Tensor strided = Conv2d.forward(pattern(1, 2, 2, 5, 4), pattern(2, 3, 2, 3, 2), b, 2, 1);
        assertArrayEquals(new int[] {2, 3, 3, 3}, strided.shape());
        assertArrayEquals(STRIDED_PADDED, strided.data());
        Tensor pointwise = Conv2d.forward(pattern(1, 2, 2, 2, 3), pattern(4, 3, 2, 1, 1), b, 1, 0);
        assertArrayEquals(new int[] {2, 3, 2, 3}, pointwise.shape());
        assertArrayEquals(POINTWISE, pointwise.data());
        Tensor patch = Conv2d.forward(pattern(9, 1, 2, 4, 4), pattern(5, 3, 2, 2, 2), null, 2, 0);
        assertArrayEquals(new int[] {1, 3, 2, 2}, patch.shape());
        assertArrayEquals(PATCH, patch.data());
    }

    @Test
    void paddingByHand() {
        // A 3×3 kernel of ones over a 2×2 image with padding 1 sums the whole image at every position.
        Tensor y = Conv2d.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2),
                Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3), Tensor.of(new float[] {0.5f}, 1), 1, 1);
        assertArrayEquals(new float[] {10.5f, 10.5f, 10.5f, 10.5f}, y.data());
    }

    @Test
    void gradientsStridedPaddedNonSquareKernel() {
        Tensor x = GradCheck.randomParam(1, 2, 2, 5, 4), w = GradCheck.randomParam(2, 3, 2, 3, 2), b = GradCheck.randomParam(3, 3);
        GradCheck.check(in -> Conv2d.forward(in[0], in[1], in[2], 2, 1), 1e-2, 1e-3, x, w, b);
    }

    @Test
    void gradientsPointwise() {
        Tensor x = GradCheck.randomParam(4, 2, 3, 2, 3), w = GradCheck.randomParam(5, 4, 3, 1, 1), b = GradCheck.randomParam(6, 4);
        GradCheck.check(in -> Conv2d.forward(in[0], in[1], in[2], 1, 0), 1e-2, 1e-3, x, w, b);
    }

    @Test
    void gradientsPatchWithoutBias() {
        Tensor x = GradCheck.randomParam(7, 2, 3, 4, 6), w = GradCheck.randomParam(8, 2, 3, 2, 2);
        GradCheck.check(in -> Conv2d.forward(in[0], in[1], null, 2, 0), 1e-2, 1e-3, x, w);
    }

    @Test
    void rejectsBadArguments() {
        Tensor x = Tensor.zeros(1, 2, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(1, 3, 1, 1), null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(1, 2, 4, 4), null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(1, 2, 1, 1), null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(1, 2, 1, 1), Tensor.zeros(2), 1, 0));
    }

    /** {@code [N, C, H, W]} data laid out {@code [N, H, W, C]}. */
    private static float[] channelsLast(float[] x, int n, int c, int h, int w) {
        float[] y = new float[x.length];
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < h * w; q++) {
                    y[(img * h * w + q) * c + ch] = x[(img * c + ch) * h * w + q];
                }
            }
        }
        return y;
    }

    /** A per-channel shift {@code b} as an epilogue (scale 1). */
    private static Epilogue shift(Tensor b) {
        float[] ones = new float[b.numel()];
        Arrays.fill(ones, 1f);
        return Epilogue.affine(ones, b.data());
    }

    @Test
    void inferenceOnChannelsLastMatchesPyTorch() {
        Tensor b = pattern(3, 3);
        try (var _ = GradMode.noGrad()) {
            // The same three cases, exact again, channels-last; the first also from channels-first images.
            Tensor x = pattern(1, 2, 2, 5, 4), w = pattern(2, 3, 2, 3, 2);
            Tensor fromImages = Conv2d.infer(x, true, w, 2, 1, shift(b), null, float[]::new);
            assertArrayEquals(new int[] {2, 3, 3, 3}, fromImages.shape());
            assertArrayEquals(channelsLast(STRIDED_PADDED, 2, 3, 3, 3), fromImages.data());
            Tensor last = Tensor.of(channelsLast(x.data(), 2, 2, 5, 4), 2, 5, 4, 2);
            assertArrayEquals(channelsLast(STRIDED_PADDED, 2, 3, 3, 3), Conv2d.infer(last, false, w, 2, 1, shift(b), null, float[]::new).data());
            Tensor pointwise = Conv2d.infer(Tensor.of(channelsLast(pattern(1, 2, 2, 2, 3).data(), 2, 2, 2, 3), 2, 2, 3, 2),
                    false, pattern(4, 3, 2, 1, 1), 1, 0, shift(b), null, float[]::new);
            assertArrayEquals(new int[] {2, 2, 3, 3}, pointwise.shape());
            assertArrayEquals(channelsLast(POINTWISE, 2, 3, 2, 3), pointwise.data());
            Tensor patch = Conv2d.infer(Tensor.of(channelsLast(pattern(9, 1, 2, 4, 4).data(), 1, 2, 4, 4), 1, 4, 4, 2),
                    false, pattern(5, 3, 2, 2, 2), 2, 0, null, null, float[]::new);
            assertArrayEquals(channelsLast(PATCH, 1, 3, 2, 2), patch.data());
        }
    }

    @Test
    void inferenceScalesShiftsAddsTheResidualInPlaceThenRectifies() {
        // relu(conv · s + t + r) per channel, from the PyTorch values (less their bias b); all exact.
        float[] conv = channelsLast(STRIDED_PADDED, 2, 3, 3, 3), b = pattern(3, 3).data();
        float[] s = {0.5f, -1, 2}, t = {0.25f, 0, -0.5f}, r = pattern(7, 2, 3, 3, 3).data();
        float[] expected = new float[conv.length];
        for (int i = 0; i < conv.length; i++) {
            int ch = i % 3;
            expected[i] = Math.max(0, (conv[i] - b[ch]) * s[ch] + t[ch] + r[i]);
        }
        Tensor residual = Tensor.of(r.clone(), 2, 3, 3, 3);
        try (var _ = GradMode.noGrad()) {
            Tensor y = Conv2d.infer(pattern(1, 2, 2, 5, 4), true, pattern(2, 3, 2, 3, 2), 2, 1,
                    Epilogue.affine(s, t).withRelu(), residual, size -> {
                        throw new AssertionError("the output is written over the residual");
                    });
            assertArrayEquals(expected, y.data());
            assertSame(residual.data(), y.data());
        }
    }

    @ParameterizedTest(name = "{0} channels")
    @ValueSource(ints = {40, 120})
    void inferenceMatchesForwardAndIsTheSameForAnyThreadCount(int channels) {
        // 3×3 with padding over 3 images of 9×7 (several chunks); then against forward, channels-last.
        // K = 360 is one k block, whose epilogue reads the residual where it writes the output;
        // K = 1,080 is two or more, and the first would overwrite the residual: it is copied aside first.
        assertEquals(channels == 40, Gemm.residualMayBeC(9 * channels));
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = Tensor.randn(rng, 1f, 3, 9, 7, channels), w = Tensor.randn(rng, 0.1f, 24, channels, 3, 3);
        Tensor r = Tensor.randn(rng, 1f, 3, 9, 7, 24);
        float[] s = Tensor.randn(rng, 1f, 24).data(), t = Tensor.randn(rng, 1f, 24).data();
        float[] first = null;
        try (var _ = GradMode.noGrad()) {
            for (int threads = 1; threads <= 3; threads++) {
                float[] y;
                try (Parallel pool = Parallel.of(threads)) {
                    y = pool.call(() -> Conv2d.infer(x, false, w, 1, 1, Epilogue.affine(s, t).withRelu(), r.copy(), float[]::new).data());
                }
                if (first == null) {
                    first = y;
                } else {
                    assertArrayEquals(first, y, "1 and " + threads + " threads");
                }
            }
            float[] nchw = new float[x.numel()];
            for (int img = 0; img < 3; img++) {
                for (int q = 0; q < 63; q++) {
                    for (int ch = 0; ch < channels; ch++) {
                        nchw[(img * channels + ch) * 63 + q] = x.data()[(img * 63 + q) * channels + ch];
                    }
                }
            }
            float[] plain = channelsLast(Conv2d.forward(Tensor.of(nchw, 3, channels, 9, 7), w, null, 1, 1).data(), 3, 24, 9, 7);
            for (int i = 0; i < plain.length; i++) {
                float want = Math.max(0, plain[i] * s[i % 24] + t[i % 24] + r.data()[i]);
                assertEquals(want, first[i], 1e-5f * (1 + Math.abs(want)), "element " + i);
            }
        }
    }

    @Test
    void inferenceRejectsGradientsAndBadResiduals() {
        Tensor x = Tensor.zeros(1, 3, 3, 2), w = Tensor.zeros(4, 2, 1, 1);
        assertThrows(IllegalStateException.class, () -> Conv2d.infer(Tensor.parameter(new float[18], 1, 3, 3, 2), false, w, 1, 0,
                null, null, float[]::new));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.infer(x, false, w, 1, 0, null, Tensor.zeros(1, 3, 3, 3),
                float[]::new));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.infer(x, true, w, 1, 0, null, null, float[]::new));
    }
}
