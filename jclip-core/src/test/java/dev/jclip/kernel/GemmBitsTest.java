package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bits of every product path against a scalar reference: each element of C is,
 * for each k block (equal blocks of at most {@link Gemm#KC}, 512 or 1024 by the vector length), one
 * {@link Math#fma} chain over k in increasing order starting from zero, the block sums added to
 * C one after another, then the epilogue. Any kernel change that reorders or splits a chain fails
 * here, whatever the thread count.
 */
class GemmBitsTest {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element (r, c) of an operand as the product reads it. */
    private interface Elem {
        float at(int r, int c);
    }

    /** A stored matrix: {@code rows×cols} from {@code off} with row stride {@code ld}, padding filled with noise. */
    private record Stored(float[] data, int off, int ld) {
        static Stored random(SplittableRandom rng, int rows, int cols, int off, int pad) {
            int ld = cols + pad;
            float[] data = new float[off + rows * ld + 3];
            for (int i = 0; i < data.length; i++) {
                data[i] = value(rng);
            }
            return new Stored(data, off, ld);
        }

        Elem op(boolean transposed) {
            return transposed ? (r, c) -> data[off + c * ld + r] : (r, c) -> data[off + r * ld + c];
        }

        Operand operand(boolean transposed) {
            return Operand.of(data, off, ld).transposed(transposed);
        }
    }

    /** Gaussian values over a range of magnitudes, so that any change of summation order shows in the bits. */
    private static float value(SplittableRandom rng) {
        return (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(-6, 7)));
    }

    /** The documented blocking of k: equal blocks of at most {@link Gemm#KC} (with 512, 768 is 2×384). */
    private static int blockDepth(int k) {
        return k == 0 ? 0 : Math.ceilDiv(k, Math.ceilDiv(k, Gemm.KC));
    }

    /**
     * C after the product, by the scalar reference: a copy of {@code c} (padding untouched) whose
     * m×n elements are the blocked FMA chains, plus the old C when accumulating, through the epilogue.
     */
    private static float[] reference(int m, int n, int k, Elem a, Elem b, float[] c, int cOff, int ldc, boolean accumulate,
                                     Epilogue e) {
        float[] out = c.clone();
        float[] pre = new float[m * n];
        int kc = blockDepth(k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = c[cOff + i * ldc + j];
                boolean have = accumulate;
                int p0 = 0;
                do {
                    float t = 0f;
                    for (int q = p0; q < Math.min(k, p0 + kc); q++) {
                        t = Math.fma(a.at(i, q), b.at(q, j), t);
                    }
                    acc = have ? t + acc : t;
                    have = true;
                    p0 += kc;
                } while (p0 < k);
                if (e != null && e.scale() != null) {
                    acc *= e.scale()[j];
                }
                if (e != null && e.bias() != null) {
                    acc += e.bias()[j];
                }
                pre[i * n + j] = acc;
            }
        }
        if (e != null && e.gelu() != null) {
            VectorMath.gelu(e.gelu(), pre, 0, pre, 0, pre.length);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float x = pre[i * n + j];
                if (e != null && e.residual() != null) {
                    x += e.residual()[e.residualOff() + i * e.ldr() + j];
                }
                if (e != null && e.relu()) {
                    x = x > 0 ? x : 0f;
                }
                out[cOff + i * ldc + j] = x;
            }
        }
        return out;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", the FMA chain gives " + want[i]);
            }
        }
    }

    /** An epilogue numbered by the bits of {@code f}: scale 16, bias 1, gelu 2, residual 4, relu 8; null for 0. */
    private static Epilogue epilogue(int f, SplittableRandom rng, int m, int n) {
        if (f == 0) {
            return null;
        }
        Stored res = Stored.random(rng, m, n, 2, 1);
        return new Epilogue((f & 1) != 0 ? Stored.random(rng, 1, n, 0, 0).data() : null, (f & 2) != 0 ? Gelu.ERF : null,
                (f & 4) != 0 ? res.data() : null, res.off(), res.ld(),
                (f & 16) != 0 ? Stored.random(rng, 1, n, 0, 0).data() : null, (f & 8) != 0);
    }

    /** One product of array operands (B packed or not) against the reference. */
    private static void checkArrays(boolean transA, boolean transB, boolean packB, int m, int n, int k, boolean accumulate,
                                    int fused, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Stored a = transA ? Stored.random(rng, k, m, 3, 2) : Stored.random(rng, m, k, 3, 2);
        Stored b = transB ? Stored.random(rng, n, k, 1, 5) : Stored.random(rng, k, n, 1, 5);
        Stored c = Stored.random(rng, m, n, 7, 3);
        Epilogue e = epilogue(fused, rng, m, n);
        float[] want = reference(m, n, k, a.op(transA), b.op(transB), c.data(), c.off(), c.ld(), accumulate, e);
        Operand bOp = packB ? Operand.of(Gemm.packB(transB, k, n, b.data(), b.off(), b.ld())) : b.operand(transB);
        Gemm.sgemm(m, n, k, a.operand(transA), bOp, c.data(), c.off(), c.ld(), accumulate, e);
        assertSameBits(want, c.data(), "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                + " packedB=" + packB + " accumulate=" + accumulate + " epilogue=" + fused);
    }

    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 1, 0}, {6, 16, 1}, {7, 17, 5}, {12, 32, 64}, {5, 31, 3}, {13, 37, 600}, {37, 300, 1100},
        {50, 64, 513}, {97, 33, 1030}, {31, 40, 2049},
    };

    @Test
    void everyLayoutIsTheBlockedFmaChain() {
        long seed = 1;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 8; t++) {
                checkArrays((t & 1) != 0, (t & 2) != 0, (t & 4) != 0, s[0], s[1], s[2], false, 0, seed++);
                checkArrays((t & 1) != 0, (t & 2) != 0, (t & 4) != 0, s[0], s[1], s[2], true, 0, seed++);
            }
        }
    }

    @Test
    void everyEpilogueIsAppliedToTheBlockedFmaChain() {
        long seed = 1000;
        for (int[] s : new int[][] {{7, 33, 5}, {50, 50, 64}, {25, 70, 1100}}) {
            for (int f = 1; f < 32; f++) {
                checkArrays(false, true, f % 3 == 0, s[0], s[1], s[2], (f & 1) == 0, f, seed++);
                checkArrays(true, false, false, s[0], s[1], s[2], (f & 1) != 0, f, seed++);
            }
        }
    }

    @Test
    void blocksBeyondThePackingLimits() {
        checkArrays(false, true, false, Gemm.BLOCK_M + 8, 3, 20, false, 0, 11);
        checkArrays(true, false, false, Gemm.BLOCK_M + 1, 17, 7, true, 0, 12);
        checkArrays(false, false, true, 3, Gemm.BLOCK_N + 5, 9, true, 1, 13);
        // Many k blocks over a whole packing block of columns, or of transposed rows: more packed
        // floats than one group of k blocks holds, so they run in two groups.
        checkArrays(true, false, false, 12, Gemm.BLOCK_N, 2100, true, 7, 14);
        checkArrays(false, true, false, 13, Gemm.BLOCK_N - 3, 2600, false, 0, 15);
        checkArrays(true, true, false, Gemm.BLOCK_M - 1, 5, 2100, true, 5, 16);
    }

    @Test
    void segmentOperandsAreTheBlockedFmaChain() {
        long seed = 2000;
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : new int[][] {{1, 1, 1}, {13, 37, 600}, {37, 70, 1100}, {50, 64, 50}}) {
                for (int t = 0; t < 4; t++) {
                    boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    SplittableRandom rng = new SplittableRandom(seed++);
                    Stored a = transA ? Stored.random(rng, k, m, 1, 1) : Stored.random(rng, m, k, 1, 1);
                    Stored b = transB ? Stored.random(rng, n, k, 2, 3) : Stored.random(rng, k, n, 2, 3);
                    Epilogue e = epilogue(t == 0 ? 0 : 3, rng, m, n);
                    String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB;
                    float[] c = new float[m * n];
                    float[] want = reference(m, n, k, a.op(transA), b.op(transB), c, 0, n, false, e);
                    Gemm.sgemm(m, n, k, Operand.of(offHeap(arena, a.data()), a.off(), a.ld()).transposed(transA),
                            b.operand(transB), c, 0, n, false, e);
                    assertSameBits(want, c, "mapped A, " + what);
                    Gemm.sgemm(m, n, k, a.operand(transA),
                            Operand.of(offHeap(arena, b.data()), b.off(), b.ld()).transposed(transB), c, 0, n, false, e);
                    assertSameBits(want, c, "mapped B, " + what);
                    Operand mapped = Operand.of(offHeap(arena, b.data()), b.off(), b.ld()).transposed(transB);
                    Gemm.sgemm(m, n, k, a.operand(transA), Operand.of(Gemm.packB(mapped, k, n)), c, 0, n, false, e);
                    assertSameBits(want, c, "B packed from a mapping, " + what);
                    float[] shifted = new float[b.data().length + 3];
                    System.arraycopy(b.data(), 0, shifted, 3, b.data().length);
                    Operand heap = Operand.of(MemorySegment.ofArray(shifted).asSlice(3L * Float.BYTES), b.off(), b.ld())
                            .transposed(transB);
                    Gemm.sgemm(m, n, k, a.operand(transA), Operand.of(Gemm.packB(heap, k, n)), c, 0, n, false, e);
                    assertSameBits(want, c, "B packed from a heap slice, " + what);
                    for (Operand.Format format : new Operand.Format[] {Operand.Format.F16, Operand.Format.BF16}) {
                        short[] half = new short[b.data().length];
                        float[] widened = new float[half.length];
                        for (int i = 0; i < half.length; i++) {
                            float x = b.data()[i];
                            half[i] = format == Operand.Format.F16 ? Float.floatToFloat16(x)
                                    : (short) (Float.floatToRawIntBits(x) >>> 16);
                            widened[i] = format == Operand.Format.F16 ? Float.float16ToFloat(half[i])
                                    : Float.intBitsToFloat(half[i] << 16);
                        }
                        float[] wantHalf = reference(m, n, k, a.op(transA), new Stored(widened, b.off(), b.ld()).op(transB),
                                c, 0, n, false, e);
                        MemorySegment bits = arena.allocate(2L * half.length + 1, 8).asSlice(1);
                        for (int i = 0; i < half.length; i++) {
                            bits.setAtIndex(S16_LE, i, half[i]);
                        }
                        Gemm.sgemm(m, n, k, a.operand(transA), Operand.of(bits, b.off(), b.ld(), format).transposed(transB),
                                c, 0, n, false, e);
                        assertSameBits(wantHalf, c, format + " B, " + what);
                        Operand packed = Operand.of(Gemm.packB(Operand.of(bits, b.off(), b.ld(), format).transposed(transB), k, n));
                        Gemm.sgemm(m, n, k, a.operand(transA), packed, c, 0, n, false, e);
                        assertSameBits(wantHalf, c, format + " B packed, " + what);
                    }
                }
            }
        }
    }

    @Test
    void aMatrixPackedIntoTheCallersArrayIsTheBlockedFmaChainAndSharesIt() {
        // Attention packs each head's keys into one scratch array per thread, over whatever it held.
        SplittableRandom rng = new SplittableRandom(42);
        int k = 64, n = 77, m = 16;
        int size = (int) (PackedB.bytes(k, n) / Float.BYTES);
        float[] scratch = new float[size + 5];
        Arrays.fill(scratch, Float.NaN);
        for (int round = 0; round < 2; round++) {
            Stored b = Stored.random(rng, n, k, 1, 5);
            Stored a = Stored.random(rng, m, k, 3, 2);
            float[] want = reference(m, n, k, a.op(false), b.op(true), new float[m * n], 0, n, false, null);
            PackedB packed = Gemm.packB(Operand.of(b.data(), b.off(), b.ld()).t(), k, n, scratch);
            float[] c = new float[m * n];
            Gemm.sgemm(m, n, k, a.operand(false), Operand.of(packed), c, 0, n, false, null);
            assertSameBits(want, c, "packed into the scratch array, round " + round);
        }
        for (int i = 0; i < scratch.length; i++) {
            // The packed matrix (its last panel padded with zeros) fills the first floats, and no more.
            assertEquals(i < size, Float.isFinite(scratch[i]), "scratch[" + i + "] of " + size + " packed floats");
        }
        Stored b = Stored.random(rng, n, k, 1, 5);
        float[] small = new float[size - 1];
        PackedB fresh = Gemm.packB(Operand.of(b.data(), b.off(), b.ld()).t(), k, n, small);
        Stored a = Stored.random(rng, m, k, 3, 2);
        float[] c = new float[m * n];
        Gemm.sgemm(m, n, k, a.operand(false), Operand.of(fresh), c, 0, n, false, null);
        assertSameBits(reference(m, n, k, a.op(false), b.op(true), new float[m * n], 0, n, false, null), c,
                "an array too small is left alone for a new one");
        assertTrue(Arrays.equals(new float[size - 1], small), "the small array is not written");
    }

    @Test
    void batchedProductsAreTheBlockedFmaChain() {
        long seed = 3000;
        // Attention-sized (one matrix per thread) and large (each on all threads).
        for (int[] s : new int[][] {{24, 50, 50, 64}, {3, 7, 19, 5}, {2, 100, 200, 600}}) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                int batch = s[0], m = s[1], n = s[2], k = s[3];
                SplittableRandom rng = new SplittableRandom(seed++);
                Stored a = Stored.random(rng, batch * m * k, 1, 0, 0), b = Stored.random(rng, batch * k * n, 1, 0, 0);
                Stored c = Stored.random(rng, batch * m * n, 1, 0, 0);
                int lda = transA ? m : k, ldb = transB ? k : n;
                float[] want = c.data().clone();
                for (int i = 0; i < batch; i++) {
                    float[] one = reference(m, n, k, new Stored(a.data(), i * m * k, lda).op(transA),
                            new Stored(b.data(), i * k * n, ldb).op(transB), c.data(), i * m * n, n, true, null);
                    System.arraycopy(one, i * m * n, want, i * m * n, m * n);
                }
                Gemm.sgemmBatched(transA, transB, batch, m, n, k, a.data(), 0, lda, m * k, b.data(), 0, ldb, k * n,
                        c.data(), 0, n, m * n, true);
                assertSameBits(want, c.data(), "batch=" + batch + " m=" + m + " n=" + n + " k=" + k
                        + " transA=" + transA + " transB=" + transB);
            }
        }
    }

    @Test
    void theSameBitsOnOneAndOnThreeThreads() {
        for (int threads : new int[] {1, 3}) {
            try (Parallel pool = Parallel.of(threads)) {
                pool.run(() -> {
                    long seed = 4000;
                    for (int t = 0; t < 8; t++) {
                        checkArrays((t & 1) != 0, (t & 2) != 0, (t & 4) != 0, 100, 300, 1100, false, t == 0 ? 0 : 7, seed++);
                        checkArrays((t & 1) != 0, (t & 2) != 0, (t & 4) != 0, 50, 40, 64, true, 0, seed++);
                    }
                });
            }
        }
    }

    /** The floats of {@code x}, little-endian, in native memory starting one byte past an aligned address. */
    private static MemorySegment offHeap(Arena arena, float[] x) {
        MemorySegment seg = arena.allocate(4L * x.length + 1, 8).asSlice(1);
        for (int i = 0; i < x.length; i++) {
            seg.setAtIndex(F32_LE, i, x[i]);
        }
        return seg;
    }
}
