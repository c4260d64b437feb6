package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.HalfType;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A B operand of 16-bit floats: the product of their float32 values, bit for bit, whatever the layout. */
class GemmHalfTest {

    /** The product with B in 16 bits against the same product with B's widened floats in an array. */
    private static void assertSameAsWidened(Operand.Format format, boolean transB, int m, int n, int k) {
        HalfType type = format == Operand.Format.F16 ? HalfType.F16 : HalfType.BF16;
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        int off = 5, ld = (transB ? k : n) + 3, rows = transB ? n : k;
        short[] bits = new short[off + rows * ld];
        float[] widened = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = type.narrow((float) rng.nextGaussian());
            widened[i] = type.widen(bits[i]);
        }
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            bias[j] = j * 0.25f;
        }
        float[] want = new float[m * n], got = new float[m * n];
        Epilogue epilogue = Epilogue.bias(bias);
        Gemm.sgemm(m, n, k, Operand.of(a, 0, k), Operand.of(widened, off, ld).transposed(transB), want, 0, n, false, epilogue);
        Gemm.sgemm(m, n, k, Operand.of(a, 0, k), Operand.of(MemorySegment.ofArray(bits), off, ld, format).transposed(transB),
                got, 0, n, false, epilogue);
        assertArrayEquals(want, got, format + " transB=" + transB + " " + m + "×" + n + "×" + k);
    }

    @Test
    void halfAndBfloat16WeightsGiveTheProductOfTheirFloatValues() {
        for (Operand.Format format : new Operand.Format[] {Operand.Format.F16, Operand.Format.BF16}) {
            for (boolean transB : new boolean[] {true, false}) {
                assertSameAsWidened(format, transB, 13, 37, 600);   // two k blocks, partial panels
                assertSameAsWidened(format, transB, 6, 64, 48);     // whole panels
                assertSameAsWidened(format, transB, 1, 5, 3);       // fewer than a vector
            }
        }
    }

    @Test
    void onlyBMayHold16BitFloatsAndItMustFit() {
        MemorySegment bits = MemorySegment.ofArray(new short[12]);
        float[] c = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(4, 4, 3,
                Operand.of(bits, 0, 3, Operand.Format.BF16), Operand.of(new float[12], 0, 4), c, 0, 4, false, null));
        assertTrue(e.getMessage().contains("only B"), e.getMessage());
        // 12 elements hold a 3×4 B, not a 4×4 one: counted in 16-bit elements, not in floats.
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(4, 4, 4, Operand.of(new float[16], 0, 4),
                Operand.of(bits, 0, 4, Operand.Format.F16), c, 0, 4, false, null));
        assertTrue(e.getMessage().contains("B is 4×4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Operand(new float[1], null, null, 0, 1, false, Operand.Format.F16));
    }
}
