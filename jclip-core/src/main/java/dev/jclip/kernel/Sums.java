package dev.jclip.kernel;

import dev.jclip.compute.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized, multi-threaded sums for backward passes: adding one array into another, and the
 * column sums of a matrix (a bias's gradient). Every element is summed in one fixed order (a
 * column's rows first to last), so the results do not depend on the thread count, and are the
 * bits of the plain scalar loops.
 */
public final class Sums {
    private Sums() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Columns per task of {@link #columnSums}: wide enough for whole cache lines of each row. */
    private static final int COLUMNS_PER_TASK = 128;

    /** {@code dst[i] += src[i]} for every i, on the {@link Parallel} pool. */
    public static void add(float[] dst, float[] src) {
        if (dst.length != src.length) {
            throw new IllegalArgumentException("adding " + src.length + " elements into " + dst.length);
        }
        Parallel.forRows(dst.length, 1, (from, to) -> add(dst, from, src, from, to - from));
    }

    /** {@code dst[dOff + i] += src[sOff + i]} for {@code i < len}, on the calling thread. */
    public static void add(float[] dst, int dOff, float[] src, int sOff, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < len; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /**
     * {@code into[j] += Σ_r m[r·cols + j]} over the rows {@code r < rows} of the row-major
     * {@code m}, each column summed from the first row to the last into its old value.
     */
    public static void columnSums(float[] m, int rows, int cols, float[] into) {
        int tasks = Math.ceilDiv(cols, COLUMNS_PER_TASK);
        Parallel.forEach(tasks, t -> {
            int c0 = t * COLUMNS_PER_TASK, len = Math.min(cols, c0 + COLUMNS_PER_TASK) - c0;
            // Row by row: the task's slice of the sums stays in L1 while the rows stream past.
            for (int r = 0; r < rows; r++) {
                add(into, c0, m, r * cols + c0, len);
            }
        });
    }
}
