package dev.jclip.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * CLIP's activation, QuickGELU: {@code x * sigmoid(1.702 x)}, in place on a float array.
 *
 * <p>Built only from IEEE-exact operations (add, mul, fma, div, integer bit moves): the Vector
 * API's own {@code EXP} may give different bits interpreted and compiled, which would break
 * determinism. Each element takes the same path (the tail is masked, not scalar), so a value
 * gets the same bits wherever it sits. The whole computation is in one loop body on purpose:
 * a vector passed to a method the JIT declines to inline gets boxed on the heap.
 */
public final class QuickGelu {
    private QuickGelu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^9 (Cephes expf).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding then subtracting 1.5 * 2^23 rounds a float of magnitude < 2^22 to the nearest integer.
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * {@code x[i] = x[i] * sigmoid(1.702 x[i])} for {@code i} in {@code [off, off+len)}, within
     * 4 ulp for normal results. The sigmoid uses {@code e = exp(-|z|)}, which cannot overflow:
     * {@code 1/(1+e)} for {@code z >= 0}, {@code e/(1+e)} below.
     */
    public static void apply(float[] x, int off, int len) {
        for (int i = 0; i < len; i += S.length()) {
            VectorMask<Float> inside = S.indexInRange(i, len);
            FloatVector v = FloatVector.fromArray(S, x, off + i, inside);
            FloatVector z = v.mul(1.702f);
            // e^t for t = -|z| <= 0: t = n ln 2 + r with n = round(t / ln 2), |r| <= ln 2 / 2,
            // then e^r by Cephes' polynomial. Clamping at -104 keeps n >= -150, where e^t is 0 anyway.
            FloatVector t = z.abs().neg().max(-104f);
            FloatVector shifted = t.mul(LOG2E).add(ROUND);
            FloatVector n = shifted.sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), t);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector expR = p.fma(r.mul(r), r).add(1f);
            // 2^n as two factors 2^(n/2) so that neither leaves the normal range; the last multiply
            // is the only rounding step, and rounds subnormal results correctly.
            IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
            IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = expR.mul(s1).mul(s2);
            FloatVector numerator = FloatVector.broadcast(S, 1f).blend(e, z.lt(0f));
            v.mul(numerator).div(e.add(1f)).intoArray(x, off + i, inside);
        }
    }
}
