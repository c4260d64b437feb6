package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** Comparisons of computed tensors with the reference's, as the parity tests make them. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * Asserts that {@code actual} has the shape of tensor {@code name} of {@code reference} and
     * max|actual − expected| / max|expected| ≤ {@code tol}; returns that ratio.
     */
    public static double assertClose(SafeTensors reference, String name, Tensor actual, double tol) {
        float[] want = reference.floats(name);
        assertTrue(Arrays.equals(reference.info(name).shape(), actual.shape()), () -> name + ": shape "
                + Arrays.toString(actual.shape()) + ", reference " + Arrays.toString(reference.info(name).shape()));
        double rel = relativeError(actual.data(), want);
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
