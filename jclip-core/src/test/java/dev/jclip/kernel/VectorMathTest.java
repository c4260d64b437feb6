package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

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

    @Test
    void quickGeluMatchesDoubleFormula() {
        // Down to -60, where the result (-2.7e-43) is subnormal: there e^(1.702 x) has lost bits,
        // and x times its rounding error is allowed for.
        float[][] xy = sample(VectorMath::quickGelu, -60, 0.0731, 1650);
        for (int i = 0; i < xy[0].length; i++) {
            float z = 1.702f * xy[0][i]; // rounded like the kernel: for large |x| that rounding shows in e^z
            double want = xy[0][i] / (1 + Math.exp(-z));
            assertTrue(Math.abs(xy[1][i] - want) <= 4 * Math.ulp((float) want) + Math.abs(xy[0][i]) * Float.MIN_VALUE,
                    "quickGelu(" + xy[0][i] + ") = " + xy[1][i] + ", want " + want);
        }
        assertEquals(0f, apply(VectorMath::quickGelu, 0f));
    }

    @Test
    void quickGeluOnArraysGivesTheSameBitsAsOnVectors() {
        int count = 1643; // not a multiple of the vector length, so the masked tail is covered
        float[] x = new float[count + 2];
        for (int i = 0; i < count; i++) {
            x[i + 1] = (float) (-60 + i * 0.0731);
        }
        float[] y = x.clone();
        VectorMath.quickGelu(y, 1, count);
        assertEquals(x[0], y[0]);
        assertEquals(x[count + 1], y[count + 1]);
        for (int i = 1; i <= count; i++) {
            float one = apply(VectorMath::quickGelu, x[i]);
            assertEquals(Float.floatToRawIntBits(one), Float.floatToRawIntBits(y[i]), "quickGelu(" + x[i] + ")");
        }
        float[] edges = {0f, -0f, 200f, -200f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        VectorMath.quickGelu(edges, 0, edges.length);
        // Large |x| gives x or (minus) zero; -inf * sigmoid(-inf) = -inf * 0 is NaN, as in PyTorch.
        assertArrayEquals(new float[] {0f, -0f, 200f, -0f, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN}, edges);
    }
}
