package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class FixturesTest {
    private static final int[] SHAPE = {2};

    @Test
    void relativeErrorIsTheLargestDifferenceOverTheLargestMagnitude() {
        assertEquals(3, Fixtures.maxAbs(new float[] {-3, 2}));
        assertEquals(0, Fixtures.maxAbs(new float[0]));
        assertEquals(0.25, Fixtures.relativeError(new float[] {1, 2.5f}, new float[] {1, 2}), 0);
        assertEquals(0.5e30, Fixtures.relativeError(new float[] {0.5f}, new float[] {0}), 1e24);
    }

    @Test
    void assertCloseReturnsTheErrorWithinTolerance() {
        assertEquals(0.25, Fixtures.assertClose("t", SHAPE, new float[] {1, 2}, SHAPE, new float[] {1, 2.5f}, 0.25), 0);
    }

    @Test
    void assertCloseNamesTheTensor() {
        String tol = assertThrows(AssertionFailedError.class,
                () -> Fixtures.assertClose("t", SHAPE, new float[] {1, 2}, SHAPE, new float[] {1, 2.5f}, 0.2)).getMessage();
        assertEquals("t: relative error 0.25 > 0.2 ==> expected: <true> but was: <false>", tol);
        String shape = assertThrows(AssertionFailedError.class,
                () -> Fixtures.assertClose("t", SHAPE, new float[] {1, -2}, new int[] {1, 2}, new float[] {1, -2}, 1)).getMessage();
        assertTrue(shape.startsWith("t: shape"), shape);
    }
}
