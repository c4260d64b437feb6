package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QuickGeluTest {

    /** The float-rounded argument, as the kernel forms it; for large |x| its rounding shows in e^z. */
    private static double reference(float x) {
        float z = 1.702f * x;
        return x / (1 + Math.exp(-z));
    }

    @Test
    void matchesDoubleFormulaAcrossTheRange() {
        // Down to -60, where the result (-2.7e-43) is subnormal: there e^(1.702 x) has lost bits,
        // and x times its rounding error is allowed for.
        int count = 1643; // not a multiple of the vector length, so the masked tail is covered
        float[] x = new float[count + 2];
        for (int i = 0; i < count; i++) {
            x[i + 1] = (float) (-60 + i * 0.0731);
        }
        float[] y = x.clone();
        QuickGelu.apply(y, 1, count);
        assertEquals(x[0], y[0]);
        assertEquals(x[count + 1], y[count + 1]);
        for (int i = 1; i <= count; i++) {
            double want = reference(x[i]);
            assertTrue(Math.abs(y[i] - want) <= 4 * Math.ulp((float) want) + Math.abs(x[i]) * Float.MIN_VALUE,
                    "quickGelu(" + x[i] + ") = " + y[i] + ", want " + want);
        }
    }

    @Test
    void edgeValues() {
        float[] x = {0f, -0f, 200f, -200f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f};
        QuickGelu.apply(x, 0, x.length);
        // Large |x| gives x or (minus) zero; -inf * sigmoid(-inf) = -inf * 0 is NaN, as in PyTorch.
        assertArrayEquals(new float[] {0f, -0f, 200f, -0f, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN},
                Arrays.copyOf(x, 7));
        assertEquals(0.845796, x[7], 1e-6); // 1 * sigmoid(1.702)
    }

    @Test
    void sameBitsWhereverAValueSits() {
        float[] row = new float[37];
        for (int i = 0; i < row.length; i++) {
            row[i] = 0.37f;
        }
        QuickGelu.apply(row, 0, row.length);
        for (float v : row) {
            assertEquals(Float.floatToRawIntBits(row[0]), Float.floatToRawIntBits(v));
        }
    }
}
