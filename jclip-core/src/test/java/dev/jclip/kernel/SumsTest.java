package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.compute.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SumsTest {

    private static float[] random(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    /** Column by column, first row to last into the old value: the bits of the plain loop, on any pool. */
    @Test
    void columnSumsAreThePlainLoopsBitsForAnyThreadCount() {
        int rows = 301, cols = 333;   // several tasks of columns and a vector tail
        float[] m = random(1, rows * cols), start = random(2, cols);
        float[] want = start.clone();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                want[c] += m[r * cols + c];
            }
        }
        for (int threads : new int[] {1, 2, 3}) {
            float[] got = start.clone();
            try (Parallel pool = Parallel.of(threads)) {
                pool.run(() -> Sums.columnSums(m, rows, cols, got));
            }
            assertArrayEquals(want, got, threads + " threads");
        }
    }

    @Test
    void addIsElementwise() {
        float[] a = random(3, 100_003), b = random(4, 100_003), want = a.clone();
        for (int i = 0; i < want.length; i++) {
            want[i] += b[i];
        }
        Sums.add(a, b);
        assertArrayEquals(want, a);
        float[] c = {1, 2, 3, 4, 5};
        Sums.add(c, 1, new float[] {10, 20, 30}, 0, 3);
        assertArrayEquals(new float[] {1, 12, 23, 34, 5}, c);
        assertThrows(IllegalArgumentException.class, () -> Sums.add(new float[2], new float[3]));
    }
}
