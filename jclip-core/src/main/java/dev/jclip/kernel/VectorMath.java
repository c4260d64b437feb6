package dev.jclip.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise transcendental functions built only from IEEE-exact operations
 * (add, mul, fma, div, integer bit moves). The Vector API's own {@code EXP}
 * may give different bits when interpreted and when compiled; these give the
 * same bits everywhere, which keeps kernels deterministic.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^9 (Cephes expf).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding then subtracting 1.5 * 2^23 rounds a float of magnitude < 2^22 to the nearest integer.
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * {@code e^x} in each lane, within 2 ulp for normal results; overflows to
     * infinity above ~88.72 and underflows gradually to zero below ~-87.3.
     */
    public static FloatVector exp(FloatVector x) {
        // exp(x) = 2^n * exp(r) with n = round(x / ln 2) and |r| <= ln 2 / 2. Clamping keeps n in
        // [-150, 128], where the result is 0 or infinity anyway.
        VectorSpecies<Float> species = x.species();
        FloatVector xc = x.max(-104f).min(89f);
        FloatVector shifted = xc.mul(LOG2E).add(ROUND);
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(species, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(species, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(species, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(species, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(species, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(species, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(species, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(species, 5.0000001201e-1f));
        FloatVector expR = p.fma(r.mul(r), r).add(1f);
        // 2^n as two factors 2^(n/2) so that neither leaves the normal range; the last multiply
        // is the only rounding step and handles subnormal results and overflow correctly.
        IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expR.mul(s1).mul(s2);
    }

    /**
     * QuickGELU in each lane: {@code x * sigmoid(1.702 x)}. The sigmoid is computed from
     * {@code e = e^-|z|}, which cannot overflow: {@code 1/(1+e)} for {@code z >= 0}, {@code e/(1+e)} below.
     */
    public static FloatVector quickGelu(FloatVector x) {
        FloatVector z = x.mul(1.702f);
        FloatVector e = exp(z.abs().neg());
        FloatVector numerator = FloatVector.broadcast(x.species(), 1f).blend(e, z.lt(0f));
        return x.mul(numerator).div(e.add(1f));
    }

    /**
     * QuickGELU in place on {@code x[off, off+len)}: the same operations as
     * {@link #quickGelu(FloatVector)} (so the same bits), written out in one loop body. A vector
     * passed to a method that the JIT declines to inline (it does so for a callee already
     * compiled on its own into a large method) is boxed on the heap; here nothing is passed.
     * The tail is a masked vector, so every element takes the same lane-wise path; whole vectors
     * are loaded and stored without a mask (masked stores are much slower).
     */
    public static void quickGelu(float[] x, int off, int len) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        for (int i = 0; i < len; i += species.length()) {
            VectorMask<Float> inside = i + species.length() <= len ? null : species.indexInRange(i, len);
            FloatVector v = inside == null ? FloatVector.fromArray(species, x, off + i)
                    : FloatVector.fromArray(species, x, off + i, inside);
            FloatVector z = v.mul(1.702f);
            // e^t for t = -|z| <= 0: t = n ln 2 + r with n = round(t / ln 2), |r| <= ln 2 / 2,
            // then e^r by Cephes' polynomial. Clamping at -104 keeps n >= -150, where e^t is 0 anyway.
            FloatVector t = z.abs().neg().max(-104f);
            FloatVector shifted = t.mul(LOG2E).add(ROUND);
            FloatVector n = shifted.sub(ROUND);
            FloatVector r = n.fma(FloatVector.broadcast(species, -LN2_HI), t);
            r = n.fma(FloatVector.broadcast(species, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(species, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(species, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(species, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(species, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(species, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(species, 5.0000001201e-1f));
            FloatVector expR = p.fma(r.mul(r), r).add(1f);
            // 2^n as two factors 2^(n/2) so that neither leaves the normal range; the last multiply
            // is the only rounding step, and rounds subnormal results correctly.
            IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
            IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = expR.mul(s1).mul(s2);
            FloatVector numerator = FloatVector.broadcast(species, 1f).blend(e, z.lt(0f));
            FloatVector y = v.mul(numerator).div(e.add(1f));
            if (inside == null) {
                y.intoArray(x, off + i);
            } else {
                y.intoArray(x, off + i, inside);
            }
        }
    }
}
