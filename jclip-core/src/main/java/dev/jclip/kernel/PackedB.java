package dev.jclip.kernel;

/**
 * The B operand of a product (typically a layer's weight) copied once by {@link Gemm#packB}
 * into the micro-kernel's layout, so that products reusing it skip that copy. For each block
 * of k (depth kc, as {@link Gemm} splits k), panels of {@link Gemm#NR} columns follow one
 * another, each kc rows of NR floats, zero past column n. Immutable once made.
 */
public final class PackedB {
    private final int k;
    private final int n;
    final float[] data;

    PackedB(int k, int n, float[] data) {
        this.k = k;
        this.n = n;
        this.data = data;
    }

    /** The heap bytes {@link Gemm#packB} takes for a {@code k×n} op(B): its columns padded to whole panels. */
    public static long bytes(int k, int n) {
        return (long) k * Math.ceilDiv(n, Gemm.NR) * Gemm.NR * Float.BYTES;
    }

    /** Rows of op(B): the inner dimension of the product. */
    public int k() {
        return k;
    }

    /** Columns of op(B) and of C. */
    public int n() {
        return n;
    }

    /**
     * Where the panel starting at column {@code col} (a multiple of NR) of the k block starting at
     * {@code p0} (depth {@code kc}) begins, for a matrix of {@code panels} panels: all earlier
     * blocks have the full depth, so they hold {@code p0 · panels · NR} floats.
     */
    static int offset(int p0, int kc, int col, int panels) {
        return p0 * panels * Gemm.NR + col * kc;
    }
}
