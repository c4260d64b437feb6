package dev.jclip.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward passes of {@link Rows}' kernels, one row at a time, vectorized the same way:
 * element i of a row in lane {@code i % VL}, sums accumulated lane-wise in float and the lanes
 * then added in index order, so a row gives the same bits wherever it is computed.
 */
public final class RowsGrad {
    private RowsGrad() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /**
     * Backward of {@link Rows#softmax} through the probabilities {@code p[pOff, pOff+n)}: in
     * place, {@code d[dOff + j] = scale · p_j · (d_j − Σ_i d_i·p_i)}, where {@code d} holds the
     * gradient of the probabilities on entry and that of the scores (before the scale) on exit.
     */
    public static void softmax(float[] p, int pOff, float[] d, int dOff, int n, float scale) {
        int full = n - n % VL;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < full; i += VL) {
            acc = FloatVector.fromArray(S, d, dOff + i).fma(FloatVector.fromArray(S, p, pOff + i), acc);
        }
        if (full < n) {
            VectorMask<Float> in = S.indexInRange(full, n);
            acc = FloatVector.fromArray(S, d, dOff + full, in).fma(FloatVector.fromArray(S, p, pOff + full, in), acc);
        }
        float dot = lanesInOrder(acc);
        for (int i = 0; i < full; i += VL) {
            FloatVector pv = FloatVector.fromArray(S, p, pOff + i);
            FloatVector.fromArray(S, d, dOff + i).sub(dot).mul(pv).mul(scale).intoArray(d, dOff + i);
        }
        if (full < n) {
            VectorMask<Float> in = S.indexInRange(full, n);
            FloatVector pv = FloatVector.fromArray(S, p, pOff + full, in);
            FloatVector.fromArray(S, d, dOff + full, in).sub(dot).mul(pv).mul(scale).intoArray(d, dOff + full, in);
        }
    }

    /**
     * Backward of {@link Rows#layerNorm} for the row {@code x[off, off+d)} with its saved
     * {@code mean} and {@code rstd}, given the output's gradient {@code g[off, off+d)}: with
     * {@code xhat = (x − mean)·rstd} and {@code dn = g·w},
     * {@code gx[off + i] (+)= rstd·(dn_i − mean(dn) − xhat_i·mean(dn·xhat))} (added when
     * {@code accumulate}, else written; skipped when {@code gx} is null), and {@code pw[pOff + i] += g_i·xhat_i},
     * {@code pb[pOff + i] += g_i}: this row's share of the weight's and bias's gradients.
     */
    public static void layerNorm(float[] x, float[] g, int off, int d, float[] w, float mean, float rstd,
                                 float[] gx, boolean accumulate, float[] pw, float[] pb, int pOff) {
        int full = d - d % VL;
        FloatVector sumDn = FloatVector.zero(S), sumDnXhat = FloatVector.zero(S);
        for (int i = 0; i < d; i += VL) {
            VectorMask<Float> in = i < full ? null : S.indexInRange(i, d);
            FloatVector xhat = load(x, off + i, in).sub(mean).mul(rstd);
            FloatVector gv = load(g, off + i, in);
            FloatVector dn = gv.mul(load(w, i, in));
            sumDn = sumDn.add(dn);
            sumDnXhat = dn.fma(xhat, sumDnXhat);
            store(load(pw, pOff + i, in).add(gv.mul(xhat)), pw, pOff + i, in);
            store(load(pb, pOff + i, in).add(gv), pb, pOff + i, in);
        }
        if (gx == null) {
            return;
        }
        float a = lanesInOrder(sumDn) / d, b = lanesInOrder(sumDnXhat) / d;
        for (int i = 0; i < d; i += VL) {
            VectorMask<Float> in = i < full ? null : S.indexInRange(i, d);
            FloatVector xhat = load(x, off + i, in).sub(mean).mul(rstd);
            FloatVector dn = load(g, off + i, in).mul(load(w, i, in));
            FloatVector dx = dn.sub(a).sub(xhat.mul(b)).mul(rstd);
            store(accumulate ? load(gx, off + i, in).add(dx) : dx, gx, off + i, in);
        }
    }

    private static FloatVector load(float[] a, int at, VectorMask<Float> in) {
        return in == null ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, in);
    }

    private static void store(FloatVector v, float[] a, int at, VectorMask<Float> in) {
        if (in == null) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, in);
        }
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
