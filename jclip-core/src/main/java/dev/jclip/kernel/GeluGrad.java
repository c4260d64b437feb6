package dev.jclip.kernel;

import dev.jclip.compute.Gelu;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward of a GELU over a range, vectorized: {@code gx[i] += g[i]·GELU'(x[i])}, in float
 * as PyTorch's CPU kernels compute it (the derivatives of {@link Gelu#derivative}, each from the
 * same approximation as its forward). Element i gets the same bits wherever the range starts:
 * whole vectors, then one masked vector through the same loop body. Each loop is written out
 * whole, as {@link VectorMath}'s: no vector is passed to a method.
 */
public final class GeluGrad {
    private GeluGrad() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final int SIGN_BIT = 0x80000000;
    private static final float SQRT1_2 = 0.70710677f;
    /** 1/√(2π): the standard normal density at 0. */
    private static final float INV_SQRT_2PI = 0.3989423f;
    private static final float AS_P = 0.3275911f;
    private static final float AS_A1 = 0.254829592f;
    private static final float AS_A2 = -0.284496736f;
    private static final float AS_A3 = 1.421413741f;
    private static final float AS_A4 = -1.453152027f;
    private static final float AS_A5 = 1.061405429f;
    private static final float TANH_BETA = (float) (Math.sqrt(2) * (2 / Math.sqrt(Math.PI)) * 0.5);
    private static final float TANH_KAPPA = 0.044715f;
    private static final float TANH_ONE = 8.664339742f;

    /**
     * {@code gx[off + i] += g[off + i] · GELU'(x[off + i])} for {@code i < len}; when
     * {@code overwrite}, {@code gx[off + i] = g[off + i] · GELU'(x[off + i])} instead.
     */
    public static void backward(Gelu kind, float[] x, float[] g, float[] gx, int off, int len, boolean overwrite) {
        switch (kind) {
            case QUICK -> quick(x, g, gx, off, len, overwrite);
            case ERF -> erf(x, g, gx, off, len, overwrite);
            case TANH -> tanh(x, g, gx, off, len, overwrite);
        }
    }

    /**
     * QuickGELU, as PyTorch's autograd differentiates {@code x·sigmoid(1.702x)} in float:
     * {@code s + ((x·(1 − s))·s)·1.702} with {@code s = σ(1.702x)}. The sigmoid comes from
     * {@code e = e^-|z|} (no overflow); once s rounds to 1 (or 0) the second term is exactly 0 for
     * any finite x, and NaN for an infinite one ({@code ∞·0}), as in PyTorch.
     */
    private static void quick(float[] x, float[] g, float[] gx, int off, int len, boolean overwrite) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < len; i += S.length()) {
            VectorMask<Float> in = i + S.length() <= len ? null : S.indexInRange(i, len);
            FloatVector v = in == null ? FloatVector.fromArray(S, x, off + i) : FloatVector.fromArray(S, x, off + i, in);
            FloatVector z = v.mul(1.702f);
            // e^t for t <= 0 (Cephes' polynomial, as VectorMath.exp; below -104 it is 0 anyway), written out:
            // a vector passed to a method the JIT does not inline is boxed on the heap.
            FloatVector tc = z.abs().neg().max(-104f);
            FloatVector shifted = tc.mul(LOG2E).add(ROUND);
            FloatVector n = shifted.sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), tc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector expR = p.fma(r.mul(r), r).add(1f);
            IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
            IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = expR.mul(s1).mul(s2);
            FloatVector s = one.blend(e, z.lt(0f)).div(e.add(1f));
            FloatVector d = v.mul(one.sub(s)).mul(s).mul(1.702f).add(s);
            FloatVector gv = in == null ? FloatVector.fromArray(S, g, off + i) : FloatVector.fromArray(S, g, off + i, in);
            FloatVector res = gv.mul(d);
            if (in == null) {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i))).intoArray(gx, off + i);
            } else {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i, in))).intoArray(gx, off + i, in);
            }
        }
    }

    /**
     * Exact GELU: {@code Φ(x) + x·φ(x)}, Φ by the forward's Abramowitz-Stegun erf and
     * {@code φ(x) = e^(−x²/2)/√(2π)} from the same exponential. Below {@code −x²/2 = −87} that
     * exponential is taken as 0 (it would be subnormal, which x86 arithmetic handles many times
     * slower, and the term x·φ(x) is below 1e-36 there); an infinite x then gives
     * NaN ({@code ∞·0}), as PyTorch's kernel does.
     */
    private static void erf(float[] x, float[] g, float[] gx, int off, int len, boolean overwrite) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < len; i += S.length()) {
            VectorMask<Float> in = i + S.length() <= len ? null : S.indexInRange(i, len);
            FloatVector v = in == null ? FloatVector.fromArray(S, x, off + i) : FloatVector.fromArray(S, x, off + i, in);
            FloatVector z = v.mul(SQRT1_2);
            FloatVector t = one.div(z.abs().fma(AS_P, 1f));
            FloatVector q = z.mul(z).neg();
            // e^t for t <= 0 (Cephes' polynomial, as VectorMath.exp; below -104 it is 0 anyway), written out:
            // a vector passed to a method the JIT does not inline is boxed on the heap.
            FloatVector tc = q.max(-87f).max(-104f);
            FloatVector shifted = tc.mul(LOG2E).add(ROUND);
            FloatVector n = shifted.sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), tc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector expR = p.fma(r.mul(r), r).add(1f);
            IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
            IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector eq = expR.mul(s1).mul(s2);
            FloatVector e = eq.blend(0f, q.lt(-87f));
            FloatVector negA = FloatVector.broadcast(S, -AS_A5);
            negA = negA.fma(t, FloatVector.broadcast(S, -AS_A4));
            negA = negA.fma(t, FloatVector.broadcast(S, -AS_A3));
            negA = negA.fma(t, FloatVector.broadcast(S, -AS_A2));
            negA = negA.fma(t, FloatVector.broadcast(S, -AS_A1));
            FloatVector erfAbs = e.mul(t).fma(negA, one);
            FloatVector erf = erfAbs.reinterpretAsInts()
                    .lanewise(VectorOperators.XOR, v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector d = erf.fma(0.5f, 0.5f).add(v.mul(e.mul(INV_SQRT_2PI)));
            FloatVector gv = in == null ? FloatVector.fromArray(S, g, off + i) : FloatVector.fromArray(S, g, off + i, in);
            FloatVector res = gv.mul(d);
            if (in == null) {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i))).intoArray(gx, off + i);
            } else {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i, in))).intoArray(gx, off + i, in);
            }
        }
    }

    /**
     * Tanh GELU: {@code ½(1 + t) + ½·x·(1 − t²)·β·(1 + 3κx²)} with {@code t = tanh(β(x + κx³))},
     * tanh as the forward kernel computes it (±1 beyond |u| = 8.664339742, as SLEEF's).
     */
    private static void tanh(float[] x, float[] g, float[] gx, int off, int len, boolean overwrite) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < len; i += S.length()) {
            VectorMask<Float> in = i + S.length() <= len ? null : S.indexInRange(i, len);
            FloatVector v = in == null ? FloatVector.fromArray(S, x, off + i) : FloatVector.fromArray(S, x, off + i, in);
            FloatVector square = v.mul(v);
            FloatVector u = square.mul(v).mul(TANH_KAPPA).add(v).mul(TANH_BETA);
            FloatVector a = u.abs();
            // e^t for t <= 0 (Cephes' polynomial, as VectorMath.exp; below -104 it is 0 anyway), written out:
            // a vector passed to a method the JIT does not inline is boxed on the heap.
            FloatVector tc = a.mul(-2f).max(-20f).max(-104f);
            FloatVector shifted = tc.mul(LOG2E).add(ROUND);
            FloatVector n = shifted.sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), tc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector expR = p.fma(r.mul(r), r).add(1f);
            IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
            IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = expR.mul(s1).mul(s2);
            FloatVector tanhAbs = one.sub(e.add(e).div(e.add(1f))).blend(one, a.compare(VectorOperators.GT, TANH_ONE));
            FloatVector th = tanhAbs.reinterpretAsInts()
                    .lanewise(VectorOperators.XOR, u.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector inner = square.mul(3 * TANH_KAPPA).add(1f).mul(TANH_BETA);
            FloatVector d = th.add(1f).mul(0.5f).add(v.mul(0.5f).mul(one.sub(th.mul(th))).mul(inner));
            FloatVector gv = in == null ? FloatVector.fromArray(S, g, off + i) : FloatVector.fromArray(S, g, off + i, in);
            FloatVector res = gv.mul(d);
            if (in == null) {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i))).intoArray(gx, off + i);
            } else {
                (overwrite ? res : res.add(FloatVector.fromArray(S, gx, off + i, in))).intoArray(gx, off + i, in);
            }
        }
    }
}
