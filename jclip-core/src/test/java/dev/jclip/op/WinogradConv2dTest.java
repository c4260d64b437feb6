package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Winograd's 3×3 convolution against the direct one ({@link Conv2d#infer}, itself checked against PyTorch). */
class WinogradConv2dTest {

    /** Small integers, so that both ways sum them exactly. */
    private static Tensor integers(SplittableRandom rng, int... shape) {
        float[] d = new float[Tensor.checkedNumel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextInt(-4, 5);
        }
        return Tensor.of(d, shape);
    }

    @Test
    void equalsTheDirectConvolutionWhereBothAreExact() {
        // Odd sizes (the last row and column of tiles half outside), 11 channels (a partial vector),
        // the epilogue's scale, shift, residual and ReLU: every value a small integer or a half.
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = integers(rng, 2, 5, 7, 11), w = integers(rng, 19, 11, 3, 3), r = integers(rng, 2, 5, 7, 19);
        float[] s = integers(rng, 19).data(), t = integers(rng, 19).data();
        for (int i = 0; i < 19; i++) {
            s[i] /= 2;
        }
        Epilogue e = Epilogue.affine(s, t).withRelu();
        try (var _ = GradMode.noGrad()) {
            float[] direct = Conv2d.infer(x, false, w, 1, 1, e, r.copy(), float[]::new).data();
            Tensor residual = r.copy();
            Tensor y = WinogradConv2d.infer(x, WinogradConv2d.packWeight(w), e, residual, size -> {
                throw new AssertionError("the output is written over the residual");
            });
            assertArrayEquals(new int[] {2, 5, 7, 19}, y.shape());
            assertSame(residual.data(), y.data());
            assertArrayEquals(direct, y.data());
            int zeros = 0;
            for (float v : direct) {
                zeros += v == 0 ? 1 : 0;
            }
            assertTrue(zeros > 0 && zeros < direct.length * 3 / 4, "ReLU clips some outputs, not all: " + zeros);
            // Without epilogue or residual: the plain sums, into a new array.
            float[] plain = Conv2d.infer(x, false, w, 1, 1, null, null, float[]::new).data();
            assertArrayEquals(plain, WinogradConv2d.infer(x, WinogradConv2d.packWeight(w), null, null, float[]::new).data());
        }
    }

    @Test
    void isCloseToTheDirectConvolutionAndTheSameForAnyThreadCount() {
        // 3 images of 30×26, 64 channels in and 48 out: many tiles, several chunks per thread.
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, 1f, 3, 30, 26, 64), w = Tensor.randn(rng, 0.1f, 48, 64, 3, 3);
        Epilogue e = Epilogue.affine(Tensor.randn(rng, 1f, 48).data(), Tensor.randn(rng, 1f, 48).data()).withRelu();
        WinogradConv2d.Weight packed = WinogradConv2d.packWeight(w);
        try (var _ = GradMode.noGrad()) {
            float[] direct = Conv2d.infer(x, false, w, 1, 1, e, null, float[]::new).data();
            float[] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                float[] y;
                try (Parallel pool = Parallel.of(threads)) {
                    y = pool.call(() -> WinogradConv2d.infer(x, packed, e, null, float[]::new).data());
                }
                if (first == null) {
                    first = y;
                } else {
                    assertArrayEquals(first, y, "1 and " + threads + " threads");
                }
            }
            float max = 0, diff = 0;
            boolean differs = false;
            for (int i = 0; i < direct.length; i++) {
                max = Math.max(max, Math.abs(direct[i]));
                diff = Math.max(diff, Math.abs(direct[i] - first[i]));
                differs |= direct[i] != first[i];
            }
            assertTrue(max > 1, "outputs are not trivially small: " + max);
            assertTrue(diff <= 2e-6f * max, "max difference " + diff + " of max " + max);
            assertTrue(differs, "rounded differently from the direct sum somewhere (else this test checks nothing new)");
        }
    }

    @Test
    void rejectsWhatItDoesNotCompute() {
        assertTrue(WinogradConv2d.applies(Tensor.zeros(4, 2, 3, 3), 1, 1));
        assertFalse(WinogradConv2d.applies(Tensor.zeros(4, 2, 3, 3), 2, 1));
        assertFalse(WinogradConv2d.applies(Tensor.zeros(4, 2, 3, 3), 1, 0));
        assertFalse(WinogradConv2d.applies(Tensor.zeros(4, 2, 1, 1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WinogradConv2d.packWeight(Tensor.zeros(4, 2, 5, 5)));
        WinogradConv2d.Weight w = WinogradConv2d.packWeight(Tensor.zeros(4, 2, 3, 3));
        assertEquals(16 * 2 * 16 * Float.BYTES, WinogradConv2d.Weight.bytes(4, 2));
        Tensor x = Tensor.zeros(1, 3, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> WinogradConv2d.infer(Tensor.zeros(1, 3, 3, 5), w, null, null, float[]::new));
        assertThrows(IllegalArgumentException.class, () -> WinogradConv2d.infer(x, w, null, Tensor.zeros(1, 3, 3, 2), float[]::new));
        assertThrows(IllegalArgumentException.class, () -> WinogradConv2d.infer(x, w, Epilogue.NONE.withGelu(Gelu.QUICK), null,
                float[]::new));
        assertThrows(IllegalStateException.class, () -> WinogradConv2d.infer(Tensor.parameter(new float[18], 1, 3, 3, 2), w, null,
                null, float[]::new));
    }
}
