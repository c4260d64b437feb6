package dev.jclip.kernel;

import dev.jclip.compute.Gelu;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^9 (Cephes expf).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding then subtracting 1.5 * 2^23 rounds a float of magnitude < 2^22 to the nearest integer.
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final int SIGN_BIT = 0x80000000;

    // oneDNN's e^x (eltwise injector, x64): ln 2 in one float, and its polynomial for e^r − 1.
    private static final float LN2 = 0.6931472f;
    private static final float ERF_Q_MIN = -60f;
    private static final float EXP_P1 = 0.999999701f;
    private static final float EXP_P2 = 0.499991506f;
    private static final float EXP_P3 = 0.166676521f;
    private static final float EXP_P4 = 0.0418978221f;
    private static final float EXP_P5 = 0.00828929059f;
    // Abramowitz and Stegun 7.1.26: erf(z) ≈ 1 − (a1·t + ... + a5·t^5)·e^(−z²), t = 1/(1 + p·z).
    private static final float SQRT1_2 = 0.70710677f;
    private static final float AS_P = 0.3275911f;
    private static final float AS_A1 = 0.254829592f;
    private static final float AS_A2 = -0.284496736f;
    private static final float AS_A3 = 1.421413741f;
    private static final float AS_A4 = -1.453152027f;
    private static final float AS_A5 = 1.061405429f;
    // Tanh GELU: β = √(2/π) and κ as PyTorch rounds them to float; SLEEF's tanhf is ±1 beyond TANH_ONE.
    private static final float TANH_BETA = (float) (Math.sqrt(2) * (2 / Math.sqrt(Math.PI)) * 0.5);
    private static final float TANH_KAPPA = 0.044715f;
    private static final float TANH_ONE = 8.664339742f;

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
     * {@code y[yOff + i] = GELU(x[off + i])} for {@code i < len}, of the given kind; {@code y} may be
     * {@code x} at the same offset (in place). Each kind is one loop with its exp written out: a
     * vector passed to a method that the JIT declines to inline (it does so for a callee already
     * compiled on its own into a large method) is boxed on the heap; here none is passed. The
     * tail is a masked vector through the same loop body, so an element gets the same bits
     * wherever it lies; whole vectors are loaded and stored without a mask (masked stores are
     * much slower).
     */
    public static void gelu(Gelu kind, float[] x, int off, float[] y, int yOff, int len) {
        switch (kind) {
            case QUICK -> quickGelu(x, off, y, yOff, len);
            case ERF -> erfGelu(x, off, y, yOff, len);
            case TANH -> tanhGelu(x, off, y, yOff, len);
        }
    }

    /**
     * QuickGELU, {@code x·σ(1.702·x)}. The sigmoid is computed from {@code e = e^-|z|}, which
     * cannot overflow: {@code 1/(1+e)} for {@code z >= 0}, {@code e/(1+e)} below.
     */
    private static void quickGelu(float[] x, int off, float[] y, int yOff, int len) {
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
            FloatVector g = v.mul(numerator).div(e.add(1f));
            if (inside == null) {
                g.intoArray(y, yOff + i);
            } else {
                g.intoArray(y, yOff + i, inside);
            }
        }
    }

    /**
     * Exact GELU, {@code x·½·(1 + erf(x/√2))}, with PyTorch's float32 CPU operations (oneDNN's
     * {@code eltwise_gelu_erf} below AVX-512, which {@code nn.GELU()} calls for float32 tensors):
     * erf by Abramowitz and Stegun 7.1.26, {@code erf(z) = 1 − t·a(t)·e^(−z²)} with
     * {@code t = 1/(1 + p·|z|)}, and oneDNN's own e^x; each rounding that can reach the result in
     * the same order, so the same bits.
     */
    private static void erfGelu(float[] x, int off, float[] y, int yOff, int len) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        FloatVector zero = FloatVector.zero(species), one = FloatVector.broadcast(species, 1f);
        for (int i = 0; i < len; i += species.length()) {
            VectorMask<Float> inside = i + species.length() <= len ? null : species.indexInRange(i, len);
            FloatVector v = inside == null ? FloatVector.fromArray(species, x, off + i)
                    : FloatVector.fromArray(species, x, off + i, inside);
            FloatVector z = v.mul(SQRT1_2);
            FloatVector t = one.div(z.abs().fma(AS_P, 1f));
            // e^q for q = -z² <= 0: n = floor(q·log2(e) + 1/2), r = q − n·ln 2 (one rounding), e^r by a
            // degree-5 polynomial, times 2^n. Below q = -16 already, t·e·a < 2^-25 and 1 − t·e·a rounds
            // to 1: clamping q at -60 changes no result (oneDNN clamps at ln(FLT_MIN) and returns 0 below)
            // and keeps e^q far from subnormal numbers, on which x86 arithmetic is many times slower.
            FloatVector q = z.mul(z).neg().max(ERF_Q_MIN);
            FloatVector fx = q.mul(LOG2E).add(0.5f);
            FloatVector nearest = fx.add(ROUND).sub(ROUND);
            // floor(fx): the nearest integer, less 1 where that rounded up.
            FloatVector n = nearest.sub(zero.blend(one, nearest.compare(VectorOperators.GT, fx)));
            FloatVector r = n.fma(FloatVector.broadcast(species, -LN2), q);
            FloatVector p = FloatVector.broadcast(species, EXP_P5);
            p = p.fma(r, FloatVector.broadcast(species, EXP_P4));
            p = p.fma(r, FloatVector.broadcast(species, EXP_P3));
            p = p.fma(r, FloatVector.broadcast(species, EXP_P2));
            p = p.fma(r, FloatVector.broadcast(species, EXP_P1));
            p = p.fma(r, one);
            // oneDNN multiplies by 2^(n−1), then by 2: the same as by 2^n, 2^(n−1) being normal. n + 127
            // is 2^n's biased exponent: n + ROUND + 127 is exact, and its bits are ROUND's plus n + 127.
            FloatVector scale = n.add(ROUND + 127f).reinterpretAsInts().sub(ROUND_BITS)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(scale);
            // −a(t) by Horner on the negated coefficients: the same roundings, negated.
            FloatVector negA = FloatVector.broadcast(species, -AS_A5);
            negA = negA.fma(t, FloatVector.broadcast(species, -AS_A4));
            negA = negA.fma(t, FloatVector.broadcast(species, -AS_A3));
            negA = negA.fma(t, FloatVector.broadcast(species, -AS_A2));
            negA = negA.fma(t, FloatVector.broadcast(species, -AS_A1));
            // erf(|z|) = 1 − e·t·a, then given z's sign bit (so −0 keeps it, as PyTorch's xor does).
            FloatVector erfAbs = e.mul(t).fma(negA, one);
            FloatVector erf = erfAbs.reinterpretAsInts()
                    .lanewise(VectorOperators.XOR, v.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector h = v.mul(0.5f);
            FloatVector g = erf.fma(h, h);
            if (inside == null) {
                g.intoArray(y, yOff + i);
            } else {
                g.intoArray(y, yOff + i, inside);
            }
        }
    }

    /**
     * Tanh GELU, {@code ½·x·(1 + tanh(u))} with {@code u = √(2/π)·(x + 0.044715·x³)}, rounded step by
     * step in PyTorch's order: {@code x·x·x}, {@code κ·x³}, {@code + x}, {@code ·β}, and
     * {@code (½·x)·(1 + tanh)}. PyTorch takes tanh from SLEEF (within 1 ulp) and sets it to ±1 for
     * {@code |u| > 8.664339742}, as here; below, {@code tanh|u| = 1 − q} with
     * {@code q = 2e/(1 + e)}, {@code e = e^(−2|u|)}. Where {@code 1 + tanh(u)} cancels (u well below
     * 0) that one rounding puts tanh on the float grid near −1 as a correctly rounded tanh would
     * be, so a last-bit difference from SLEEF's shows as at most {@code 2^-25·|x|}. Near 0 the
     * cancellation in {@code 1 − q} costs an ulp or so of tanh, which {@code 1 + tanh} then
     * rounds away.
     */
    private static void tanhGelu(float[] x, int off, float[] y, int yOff, int len) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        FloatVector one = FloatVector.broadcast(species, 1f);
        for (int i = 0; i < len; i += species.length()) {
            VectorMask<Float> inside = i + species.length() <= len ? null : species.indexInRange(i, len);
            FloatVector v = inside == null ? FloatVector.fromArray(species, x, off + i)
                    : FloatVector.fromArray(species, x, off + i, inside);
            FloatVector u = v.mul(v).mul(v).mul(TANH_KAPPA).add(v).mul(TANH_BETA);
            FloatVector a = u.abs();
            // e^t for t = -2|u| <= 0, as in quickGelu but with 2^n in one factor: beyond |u| = 8.66 tanh is
            // ±1 anyway, so clamping t at -20 loses nothing and keeps 2^n normal.
            FloatVector t = a.mul(-2f).max(-20f);
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
            FloatVector scale = shifted.reinterpretAsInts().sub(ROUND_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = expR.mul(scale);
            FloatVector tanhAbs = one.sub(e.add(e).div(e.add(1f))).blend(one, a.compare(VectorOperators.GT, TANH_ONE));
            FloatVector tanh = tanhAbs.reinterpretAsInts()
                    .lanewise(VectorOperators.XOR, u.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
            FloatVector g = v.mul(0.5f).mul(tanh.add(1f));
            if (inside == null) {
                g.intoArray(y, yOff + i);
            } else {
                g.intoArray(y, yOff + i, inside);
            }
        }
    }

    /**
     * The index of the first element of {@code segment} (little-endian float32, as tensors and
     * safetensors store them, at any alignment) that is NaN or infinite, or -1 when every one is
     * finite.
     */
    public static long firstNonFinite(MemorySegment segment) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        long n = segment.byteSize() / Float.BYTES, i = 0;
        for (long bound = n - n % species.length(); i < bound; i += species.length()) {
            VectorMask<Float> bad = FloatVector.fromMemorySegment(species, segment, i * Float.BYTES, ByteOrder.LITTLE_ENDIAN)
                    .test(VectorOperators.IS_FINITE).not();
            if (bad.anyTrue()) {
                return i + bad.firstTrue();
            }
        }
        for (; i < n; i++) {
            if (!Float.isFinite(segment.getAtIndex(FLOAT_LE, i))) {
                return i;
            }
        }
        return -1;
    }
}
