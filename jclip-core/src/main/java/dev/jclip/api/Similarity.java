package dev.jclip.api;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import java.util.Arrays;

/**
 * The cosine similarities of unit-length embeddings: their dot products, each summed in one fixed
 * order (a fused multiply-add chain over the dimensions, as the matrix product computes it) however
 * many queries and items there are. Zero-shot classification, evaluation, retrieval and the server
 * all score with it, so they rank near-ties alike. An instance holds the items copied into one
 * matrix; it is immutable and thread-safe.
 */
public final class Similarity {
    private final float[] items;
    private final int count, dimension;

    private Similarity(float[] items, int count, int dimension) {
        this.items = items;
        this.count = count;
        this.dimension = dimension;
    }

    /** Scores against {@code items}, each {@code [embed]} (all the same length, at least one). */
    public static Similarity against(float[][] items) {
        if (items.length == 0) {
            throw new IllegalArgumentException("no embeddings to compare against");
        }
        int d = items[0].length;
        float[] flat = new float[Math.multiplyExact(items.length, d)];
        for (int i = 0; i < items.length; i++) {
            checkDimension(items[i], d);
            System.arraycopy(items[i], 0, flat, i * d, d);
        }
        return new Similarity(flat, items.length, d);
    }

    /** The number of items. */
    public int size() {
        return count;
    }

    /** The similarity of {@code query} with every item, in item order. */
    public float[] scores(float[] query) {
        return scores(new float[][] {query})[0];
    }

    /** {@code [queries][items]}: the similarity of each query with every item. */
    public float[][] scores(float[][] queries) {
        int m = queries.length;
        float[] q = new float[Math.multiplyExact(m, dimension)], out = new float[Math.multiplyExact(m, count)];
        for (int i = 0; i < m; i++) {
            checkDimension(queries[i], dimension);
            System.arraycopy(queries[i], 0, q, i * dimension, dimension);
        }
        // out [m × count] = queries [m × d] · itemsᵀ
        Gemm.sgemm(m, count, dimension, Operand.of(q, 0, dimension), Operand.of(items, 0, dimension).t(),
                out, 0, count, false, null);
        float[][] rows = new float[m][];
        for (int i = 0; i < m; i++) {
            rows[i] = Arrays.copyOfRange(out, i * count, (i + 1) * count);
        }
        return rows;
    }

    /** {@code [a][b]}: the similarity of each embedding of {@code a} with each of {@code b}. */
    public static float[][] matrix(float[][] a, float[][] b) {
        return b.length == 0 ? new float[a.length][0] : against(b).scores(a);
    }

    /** The similarity of two embeddings. */
    public static float cosine(float[] a, float[] b) {
        return against(new float[][] {b}).scores(a)[0];
    }

    private static void checkDimension(float[] v, int d) {
        if (v.length != d) {
            throw new IllegalArgumentException("embeddings of " + d + " and " + v.length + " dimensions");
        }
    }
}
