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
     * {@code pb[pOff + i] += g_i}: this row's share of the weight's and bias's gradients. The
     * elements past the last whole vector are summed apart and added after the lanes.
     */
    public static void layerNorm(float[] x, float[] g, int off, int d, float[] w, float mean, float rstd,
                                 float[] gx, boolean accumulate, float[] pw, float[] pb, int pOff) {
        // Whole vectors, then the tail element by element: a small method, which the JIT compiles at
        // every tier. Compiled with masked vector tails it was too large for C1 and now and then ran for
        // whole training steps in code that boxes every vector (2 s and 6 GB a step).
        int full = d - d % VL;
        FloatVector sumDn = FloatVector.zero(S), sumDnXhat = FloatVector.zero(S);
        for (int i = 0; i < full; i += VL) {
            FloatVector xhat = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
            FloatVector gv = FloatVector.fromArray(S, g, off + i);
            FloatVector dn = gv.mul(FloatVector.fromArray(S, w, i));
            sumDn = sumDn.add(dn);
            sumDnXhat = dn.fma(xhat, sumDnXhat);
            FloatVector.fromArray(S, pw, pOff + i).add(gv.mul(xhat)).intoArray(pw, pOff + i);
            FloatVector.fromArray(S, pb, pOff + i).add(gv).intoArray(pb, pOff + i);
        }
        float tailDn = 0, tailDnXhat = 0;
        for (int i = full; i < d; i++) {
            float xhat = (x[off + i] - mean) * rstd, gi = g[off + i], dn = gi * w[i];
            tailDn += dn;
            tailDnXhat = Math.fma(dn, xhat, tailDnXhat);
            pw[pOff + i] += gi * xhat;
            pb[pOff + i] += gi;
        }
        if (gx == null) {
            return;
        }
        float a = (lanesInOrder(sumDn) + tailDn) / d, b = (lanesInOrder(sumDnXhat) + tailDnXhat) / d;
        for (int i = 0; i < full; i += VL) {
            FloatVector xhat = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
            FloatVector dn = FloatVector.fromArray(S, g, off + i).mul(FloatVector.fromArray(S, w, i));
            FloatVector dx = dn.sub(a).sub(xhat.mul(b)).mul(rstd);
            (accumulate ? FloatVector.fromArray(S, gx, off + i).add(dx) : dx).intoArray(gx, off + i);
        }
        for (int i = full; i < d; i++) {
            float xhat = (x[off + i] - mean) * rstd, dx = (g[off + i] * w[i] - a - xhat * b) * rstd;
            gx[off + i] = accumulate ? gx[off + i] + dx : dx;
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
