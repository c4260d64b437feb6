package dev.jclip.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized kernels over one row (softmax, layer norm) of a flat array. Element
 * i of a row always goes to lane {@code i % VL}: full vectors first, then one
 * masked vector for the tail. Sums are accumulated lane-wise and the lanes then
 * added in index order, so a row gives the same bits wherever and whenever it is
 * computed (the Vector API's own {@code reduceLanes(ADD)} leaves the order open).
 * GELU over a range is {@link VectorMath#gelu}.
 */
public final class Rows {
    private Rows() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /**
     * In place, {@code x[off, off+n) = softmax(x·scale + mask[maskOff, maskOff+n))};
     * {@code mask} may be null. Entries of −inf get probability 0; a row that is all
     * −inf gives NaN, as in PyTorch.
     */
    public static void softmax(float[] x, int off, int n, float scale, float[] mask, int maskOff) {
        int full = n - n % VL;
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < full; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, off + i).mul(scale);
            if (mask != null) {
                v = v.add(FloatVector.fromArray(S, mask, maskOff + i));
            }
            v.intoArray(x, off + i);
            max = max.max(v);
        }
        if (full < n) {
            VectorMask<Float> in = S.indexInRange(full, n);
            FloatVector v = FloatVector.fromArray(S, x, off + full, in).mul(scale);
            if (mask != null) {
                v = v.add(FloatVector.fromArray(S, mask, maskOff + full, in));
            }
            v.intoArray(x, off + full, in);
            max = max.blend(max.max(v), in);
        }
        // Subtracting the row max keeps exp from overflowing; −inf − max = −inf, exp → 0.
        float m = max.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += VL) {
            // One call of exp for whole vectors and the tail: the JIT inlines it once. A second
            // call site was compiled on its own, where the vector's class is unknown, and ran the
            // Vector API's generic (allocating, scalar) code on every row's tail.
            VectorMask<Float> in = i < full ? null : S.indexInRange(i, n);
            FloatVector v = in == null ? FloatVector.fromArray(S, x, off + i) : FloatVector.fromArray(S, x, off + i, in);
            FloatVector e = VectorMath.exp(v.sub(m));
            if (in == null) {
                e.intoArray(x, off + i);
                sum = sum.add(e);
            } else {
                e.intoArray(x, off + i, in);
                sum = sum.add(e, in);
            }
        }
        float inv = 1f / lanesInOrder(sum);
        for (int i = 0; i < full; i += VL) {
            FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
        }
        if (full < n) {
            VectorMask<Float> in = S.indexInRange(full, n);
            FloatVector.fromArray(S, x, off + full, in).mul(inv).intoArray(x, off + full, in);
        }
    }

    /**
     * Layer normalization of {@code x[off, off+d)} into {@code y[yOff, yOff+d)}:
     * {@code (x − mean)·rstd·w + b} with {@code rstd = 1/sqrt(var + eps)} (biased variance).
     * Returns {@code mean} and {@code rstd} in {@code stats[2·row]} and {@code stats[2·row + 1]}.
     */
    public static void layerNorm(float[] x, int off, int d, float[] w, float[] b, float eps,
                                 float[] y, int yOff, float[] stats, int row) {
        int full = d - d % VL;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < full; i += VL) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        if (full < d) {
            acc = acc.add(FloatVector.fromArray(S, x, off + full, S.indexInRange(full, d)));
        }
        float mean = lanesInOrder(acc) / d;
        // Two passes (mean first) keep the variance accurate when |mean| ≫ std.
        acc = FloatVector.zero(S);
        for (int i = 0; i < full; i += VL) {
            FloatVector c = FloatVector.fromArray(S, x, off + i).sub(mean);
            acc = c.fma(c, acc);
        }
        if (full < d) {
            VectorMask<Float> in = S.indexInRange(full, d);
            FloatVector c = FloatVector.fromArray(S, x, off + full, in).sub(mean);
            acc = acc.blend(c.fma(c, acc), in);
        }
        float rstd = (float) (1.0 / Math.sqrt(lanesInOrder(acc) / d + (double) eps));
        for (int i = 0; i < full; i += VL) {
            FloatVector xhat = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
            xhat.fma(FloatVector.fromArray(S, w, i), FloatVector.fromArray(S, b, i)).intoArray(y, yOff + i);
        }
        if (full < d) {
            VectorMask<Float> in = S.indexInRange(full, d);
            FloatVector xhat = FloatVector.fromArray(S, x, off + full, in).sub(mean).mul(rstd);
            xhat.fma(FloatVector.fromArray(S, w, full, in), FloatVector.fromArray(S, b, full, in)).intoArray(y, yOff + full, in);
        }
        stats[2 * row] = mean;
        stats[2 * row + 1] = rstd;
    }

    /** The sum of a vector's lanes, added in index order. */
    private static float lanesInOrder(FloatVector v) {
        float s = 0;
        for (int i = 0; i < VL; i++) {
            s += v.lane(i);
        }
        return s;
    }
}
