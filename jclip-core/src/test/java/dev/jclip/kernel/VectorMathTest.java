package dev.jclip.kernel;

import dev.jclip.compute.Gelu;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float apply(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(S, x)).lane(S.length() - 1);
    }

    /** {@code f} over {@code count} points from {@code from} in steps of {@code step}, a vector at a time. */
    private static float[][] sample(UnaryOperator<FloatVector> f, double from, double step, int count) {
        int n = count / S.length() * S.length();
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (from + i * step);
        }
        for (int i = 0; i < n; i += S.length()) {
            f.apply(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        return new float[][] {x, y};
    }

    @Test
    void expWithinTwoUlpOfMathExp() {
        float[][] xy = sample(VectorMath::exp, -87, 0.01337, 13_000);
        for (int i = 0; i < xy[0].length; i++) {
            double want = Math.exp(xy[0][i]);
            assertTrue(Math.abs(xy[1][i] - want) <= 2 * Math.ulp((float) want),
                    "exp(" + xy[0][i] + ") = " + xy[1][i] + ", want " + want);
        }
    }

    @Test
    void expEdgeValues() {
        assertEquals(1f, apply(VectorMath::exp, 0f));
        assertEquals((float) Math.E, apply(VectorMath::exp, 1f), Math.ulp((float) Math.E));
        assertEquals(Float.POSITIVE_INFINITY, apply(VectorMath::exp, 89f));
        assertEquals(Float.POSITIVE_INFINITY, apply(VectorMath::exp, Float.POSITIVE_INFINITY));
        assertEquals(0f, apply(VectorMath::exp, -104f));
        assertEquals(0f, apply(VectorMath::exp, Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(apply(VectorMath::exp, Float.NaN)));
        // Subnormal results round once: e^-100 = 3.72e-44 is 27 steps of 2^-149.
        assertEquals((float) Math.exp(-100), apply(VectorMath::exp, -100f), Float.MIN_VALUE);
    }

    /** GELU of {@code kind} over {@code count} points from {@code from} in steps of {@code step}. */
    private static float[][] sampleGelu(Gelu kind, double from, double step, int count) {
        float[] x = new float[count], y = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (from + i * step);
        }
        VectorMath.gelu(kind, x, 0, y, 0, count);
        return new float[][] {x, y};
    }

    @Test
    void quickGeluMatchesDoubleFormula() {
        // Down to -60, where the result (-2.7e-43) is subnormal: there e^(1.702 x) has lost bits,
        // and x times its rounding error is allowed for.
        float[][] xy = sampleGelu(Gelu.QUICK, -60, 0.0731, 1650);
        for (int i = 0; i < xy[0].length; i++) {
            float z = 1.702f * xy[0][i]; // rounded like the kernel: for large |x| that rounding shows in e^z
            double want = xy[0][i] / (1 + Math.exp(-z));
            assertTrue(Math.abs(xy[1][i] - want) <= 4 * Math.ulp((float) want) + Math.abs(xy[0][i]) * Float.MIN_VALUE,
                    "quickGelu(" + xy[0][i] + ") = " + xy[1][i] + ", want " + want);
        }
    }

    @Test
    void tanhGeluMatchesDoubleFormula() {
        // The kernel's u and tanh(u) are within an ulp or so; where 1 + tanh(u) cancels (u < 0) an
        // ulp of tanh near -1 (2^-24) shows as |x|·2^-25. Beyond |u| = 8.66 tanh is ±1, as SLEEF's:
        // there the result is x or -0 while the exact one is within |x|·2^-24 of them.
        float[][] xy = sampleGelu(Gelu.TANH, -12, 0.00731, 3300);
        for (int i = 0; i < xy[0].length; i++) {
            double x = xy[0][i];
            double want = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertTrue(Math.abs(xy[1][i] - want) <= 3 * Math.ulp((float) want) + Math.abs(x) * 0x1p-24,
                    "tanhGelu(" + x + ") = " + xy[1][i] + ", want " + want);
        }
    }

    @ParameterizedTest
    @EnumSource(Gelu.class)
    void geluGivesTheSameBitsAnywhereInARange(Gelu kind) {
        int count = 1643; // not a multiple of the vector length, so the masked tail is covered
        float[] x = new float[count + 2];
        for (int i = 0; i < count; i++) {
            x[i + 1] = (float) (-60 + i * 0.0731);
        }
        float[] y = new float[count + 2];
        VectorMath.gelu(kind, x, 1, y, 1, count);
        assertEquals(0f, y[0]);
        assertEquals(0f, y[count + 1]);
        float[] inPlace = x.clone();
        VectorMath.gelu(kind, inPlace, 1, inPlace, 1, count);
        assertEquals(x[0], inPlace[0]);
        assertEquals(x[count + 1], inPlace[count + 1]);
        assertArrayEquals(bits(y), bits(inPlace), kind + " in place");
        // Each element alone (lane 0 of a masked vector) and in the last lane of a partial one.
        float[] one = new float[1];
        for (int i = 1; i <= count; i++) {
            VectorMath.gelu(kind, x, i, one, 0, 1);
            assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(one[0]), kind + "(" + x[i] + ") alone");
        }
        int len = S.length() - 1;
        float[] part = new float[len];
        for (int i = 1; i + len <= count + 1; i += 7) {
            VectorMath.gelu(kind, x, i, part, 0, len);
            for (int j = 0; j < len; j++) {
                assertEquals(Float.floatToRawIntBits(y[i + j]), Float.floatToRawIntBits(part[j]), kind + "(" + x[i + j] + ")");
            }
        }
    }

    @Test
    void quickGeluEdgeValues() {
        float[] edges = {0f, -0f, 200f, -200f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        VectorMath.gelu(Gelu.QUICK, edges, 0, edges, 0, edges.length);
        // Large |x| gives x or (minus) zero; -inf * sigmoid(-inf) = -inf * 0 is NaN, as in PyTorch.
        assertArrayEquals(new float[] {0f, -0f, 200f, -0f, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN}, edges);
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }
}
