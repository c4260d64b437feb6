package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparisons of computed values with the reference's, as the parity tests make them. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * Asserts that {@code actual} has the reference's shape and max|actual − expected| / max|expected|
     * ≤ {@code tol}; returns that ratio. {@code name} names the tensor in the messages.
     */
    public static double assertClose(String name, int[] expectedShape, float[] expected, int[] actualShape, float[] actual,
                                     double tol) {
        assertArrayEquals(expectedShape, actualShape, () -> name + ": shape");
        double rel = relativeError(actual, expected);
        assertTrue(rel <= tol, () -> name + ": relative error " + rel + " > " + tol);
        return rel;
    }

    /** max|actual − expected| / max|expected| over arrays of equal length (a zero {@code expected} counts as 1e-30). */
    public static double relativeError(float[] actual, float[] expected) {
        assertTrue(actual.length == expected.length, () -> "length " + actual.length + ", expected " + expected.length);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
        }
        return maxDiff / Math.max(maxAbs(expected), 1e-30);
    }

    /** max|x| (0 for an empty array). */
    public static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
