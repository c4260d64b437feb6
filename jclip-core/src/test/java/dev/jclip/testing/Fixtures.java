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
        double maxDiff = 0, maxAbs = 0;
        float[] got = actual.data();
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - want[i]));
            maxAbs = Math.max(maxAbs, Math.abs(want[i]));
        }
        double rel = maxDiff / Math.max(maxAbs, 1e-30);
        assertTrue(rel <= tol, () -> name + ": relative error " + rel + " > " + tol);
        return rel;
    }
}
