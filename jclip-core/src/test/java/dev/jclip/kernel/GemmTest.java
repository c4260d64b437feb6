package dev.jclip.kernel;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTest {

    /** An operand of {@code rows×cols} as stored, at {@code off} with row stride {@code ld}, padding filled with noise. */
    private record Stored(float[] data, int off, int ld, int rows, int cols) {
        static Stored random(SplittableRandom rng, int rows, int cols, int off, int pad) {
            int ld = cols + pad;
            float[] data = new float[off + rows * ld + 3];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            return new Stored(data, off, ld, rows, cols);
        }

        float at(int r, int c) {
            return data[off + r * ld + c];
        }
    }

    /** What the test fuses: per-column scale, bias, QuickGELU, residual, ReLU. */
    private record Fused(boolean scale, boolean bias, boolean gelu, boolean residual, boolean relu) {
        static final Fused NOTHING = new Fused(false, false, false, false, false);

        /** The combination numbered by the bits of {@code f}: scale 16, bias 1, gelu 2, residual 4, relu 8. */
        static Fused of(int f) {
            return new Fused((f & 16) != 0, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0, (f & 8) != 0);
        }
    }

    /**
     * Runs one product with padded, offset operands and checks every element of C against a
     * double-precision reference, and that C's padding is untouched.
     */
    private static void checkAgainstReference(boolean transA, boolean transB, int m, int n, int k,
                                              boolean accumulate, Fused fused, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Stored a = transA ? Stored.random(rng, k, m, 3, 2) : Stored.random(rng, m, k, 3, 2);
        Stored b = transB ? Stored.random(rng, n, k, 1, 5) : Stored.random(rng, k, n, 1, 5);
        Stored c = Stored.random(rng, m, n, 7, 3);
        Stored res = Stored.random(rng, m, n, 2, 1);
        float[] bias = Stored.random(rng, 1, n, 0, 0).data();
        float[] scale = Stored.random(rng, 1, n, 0, 0).data();
        float[] before = c.data().clone();
        Epilogue epilogue = fused.equals(Fused.NOTHING) ? null
                : new Epilogue(fused.bias() ? bias : null, fused.gelu() ? Gelu.QUICK : null, fused.residual() ? res.data() : null, res.off(), res.ld(),
                        fused.scale() ? scale : null, fused.relu());
        Gemm.sgemm(m, n, k, Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                Operand.of(b.data(), b.off(), b.ld()).transposed(transB),
                c.data(), c.off(), c.ld(), accumulate, epilogue);

        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                + " accumulate=" + accumulate + " " + fused;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) (transA ? a.at(p, i) : a.at(i, p)) * (transB ? b.at(j, p) : b.at(p, j));
                    sum += t;
                    mag += Math.abs(t);
                }
                if (accumulate) {
                    sum += before[c.off() + i * c.ld() + j];
                    mag += Math.abs(before[c.off() + i * c.ld() + j]);
                }
                if (fused.scale()) {
                    sum *= scale[j];
                    mag *= Math.abs(scale[j]);
                }
                if (fused.bias()) {
                    sum += bias[j];
                    mag += Math.abs(bias[j]);
                }
                if (fused.gelu()) {
                    sum = sum / (1 + Math.exp(-1.702 * sum));
                }
                if (fused.residual()) {
                    sum += res.at(i, j);
                    mag += Math.abs(res.at(i, j));
                }
                if (fused.relu()) {
                    sum = Math.max(0, sum);
                }
                // Rounding bound of a k-term float sum (one fused multiply-add per term), plus a few
                // more roundings for block partial sums and the epilogue.
                double tol = (k + 16) * 1.2e-7 * (mag + Math.abs(sum)) + 1e-30;
                float got = c.at(i, j);
                if (!(Math.abs(got - sum) <= tol)) {
                    throw new AssertionError(what + ": C[" + i + "][" + j + "] = " + got + ", expected " + sum + " ± " + tol);
                }
            }
        }
        for (int x = 0; x < before.length; x++) {
            int r = (x - c.off()) / c.ld(), col = (x - c.off()) % c.ld();
            boolean inside = x >= c.off() && r < m && col < n;
            if (!inside) {
                assertEquals(before[x], c.data()[x], what + ": C padding at " + x + " was written");
            }
        }
    }

    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 1, 0}, {3, 5, 0}, {1, 33, 7}, {7, 1, 5}, {6, 32, 64}, {5, 31, 3}, {13, 17, 2},
        {50, 50, 64}, {97, 257, 33}, {100, 300, 513}, {20, 40, 1100}, {12, 64, 49},
    };

    @Test
    void allTransposesMatchDoubleReference() {
        long seed = 1;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                checkAgainstReference(transA, transB, s[0], s[1], s[2], false, Fused.NOTHING, seed++);
                checkAgainstReference(transA, transB, s[0], s[1], s[2], true, Fused.NOTHING, seed++);
            }
        }
    }

    @Test
    void blocksBeyondThePackingLimits() {
        checkAgainstReference(false, true, Gemm.BLOCK_M + 8, 3, 2, false, Fused.NOTHING, 11);
        checkAgainstReference(true, false, 2, Gemm.BLOCK_N + 5, 3, true, Fused.NOTHING, 12);
    }

    @Test
    void epiloguesMatchDoubleReference() {
        long seed = 100;
        for (int[] s : new int[][] {{1, 1, 1}, {7, 33, 5}, {50, 50, 64}, {97, 257, 40}, {4, 9, 0}}) {
            for (int f = 1; f < 32; f++) {
                checkAgainstReference(false, true, s[0], s[1], s[2], (f & 1) == 0, Fused.of(f), seed++);
            }
        }
        // Several k blocks: the epilogue must be applied once, after the last.
        checkAgainstReference(true, false, 30, 70, 1100, true, Fused.of(31), seed++);
        // A convolution's shape (K = 64·3·3, 64 channels) with a batch norm's scale and shift, residual and ReLU.
        checkAgainstReference(false, false, 97, 64, 576, false, Fused.of(16 + 8 + 4 + 1), seed);
    }

    @Test
    void zeroDepthClearsOrKeepsC() {
        float[] c = {5, 6, 7, 8};
        Gemm.sgemm(2, 2, 0, Operand.of(new float[0], 0, 1), Operand.of(new float[0], 0, 2), c, 0, 2, true, null);
        assertArrayEquals(new float[] {5, 6, 7, 8}, c);
        Gemm.sgemm(2, 2, 0, Operand.of(new float[0], 0, 1), Operand.of(new float[0], 0, 2), c, 0, 2, false, null);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c);
        Gemm.sgemm(2, 2, 0, Operand.of(new float[0], 0, 1), Operand.of(new float[0], 0, 2),
                c, 0, 2, false, Epilogue.bias(new float[] {1, -2}));
        assertArrayEquals(new float[] {1, -2, 1, -2}, c);
    }

    @Test
    void smallProductByHand() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]; with bias (1, -1) and residual 100.
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemm.sgemm(2, 2, 2, Operand.of(a, 0, 2), Operand.of(b, 0, 2), c, 0, 2, false, null);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        Gemm.sgemm(2, 2, 2, Operand.of(a, 0, 2).t(), Operand.of(b, 0, 2).t(), c, 0, 2, false, null); // Aᵀ·Bᵀ = (B·A)ᵀ
        assertArrayEquals(new float[] {23, 31, 34, 46}, c);
        Gemm.sgemm(2, 2, 2, Operand.of(a, 0, 2), Operand.of(b, 0, 2),
                c, 0, 2, false, Epilogue.bias(new float[] {1, -1}).withResidual(new float[] {100, 100, 100, 100}, 0, 2));
        assertArrayEquals(new float[] {120, 121, 144, 149}, c);
        // A folded batch norm per column: [19 22; 43 50] · (0.5, −1) + (1, 30) = [10.5 8; 22.5 −20];
        // plus the residual [−20 0; 0 −30]: [−9.5 8; 22.5 −50]; ReLU: [0 8; 22.5 0].
        Gemm.sgemm(2, 2, 2, Operand.of(a, 0, 2), Operand.of(b, 0, 2),
                c, 0, 2, false,
                Epilogue.affine(new float[] {0.5f, -1}, new float[] {1, 30}).withResidual(new float[] {-20, 0, 0, -30}, 0, 2).withRelu());
        assertArrayEquals(new float[] {0, 8, 22.5f, 0}, c);
    }

    @Test
    void reluZeroesNegativesNaNAndNegativeZeroLikeRelu() {
        // [1]·[2 0 NaN −3] scaled by −1 is [−2 −0 NaN 3]: ReLU keeps only 3, every other element is +0.
        float[] a = {1}, b = {2, 0, Float.NaN, -3}, c = new float[4];
        Gemm.sgemm(1, 4, 1, Operand.of(a, 0, 1), Operand.of(b, 0, 4),
                c, 0, 4, false, new Epilogue(null, null, null, 0, 0, new float[] {-1, -1, -1, -1}, true));
        assertArrayEquals(new int[] {0, 0, 0, Float.floatToIntBits(3)}, bits(c));
    }

    @Test
    void batchedMatchesSeparateProductsBitForBit() {
        // Small matrices (attention heads) run one per thread; large ones one after another.
        for (int[] s : new int[][] {{7, 50, 50, 64}, {2, 130, 140, 500}}) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            SplittableRandom rng = new SplittableRandom(batch);
            int strideA = m * k + 3, strideC = m * n + 1;
            Stored a = Stored.random(rng, batch * strideA / k + 1, k, 0, 0);
            Stored b = Stored.random(rng, n, k, 2, 0); // one B shared by all (stride 0), transposed
            float[] c = new float[batch * strideC];
            float[] expected = c.clone();
            Gemm.sgemmBatched(false, true, batch, m, n, k, a.data(), 1, k, strideA, b.data(), 2, k, 0,
                    c, 0, n, strideC, false);
            for (int i = 0; i < batch; i++) {
                Gemm.sgemm(m, n, k, Operand.of(a.data(), 1 + i * strideA, k), Operand.of(b.data(), 2, k).t(),
                        expected, i * strideC, n, false, null);
            }
            assertArrayEquals(bits(expected), bits(c), "batch " + batch + " of " + m + "×" + n + "×" + k);
            // And one element of the last matrix against a double-precision dot product.
            double dot = 0;
            for (int p = 0; p < k; p++) {
                dot += (double) a.data()[1 + (batch - 1) * strideA + (m - 1) * k + p] * b.data()[2 + (n - 1) * k + p];
            }
            assertEquals(dot, c[(batch - 1) * strideC + (m - 1) * n + n - 1], 1e-4);
        }
    }

    @Test
    void prepackedBGivesTheSameBits() {
        long seed = 300;
        for (int[] s : new int[][] {{1, 1, 1}, {37, 300, 1100}, {8, 70, 0}, {2, Gemm.BLOCK_N + 5, 3}, {50, 64, 50}}) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                SplittableRandom rng = new SplittableRandom(seed++);
                Stored a = transA ? Stored.random(rng, k, m, 1, 1) : Stored.random(rng, m, k, 1, 1);
                Stored b = transB ? Stored.random(rng, n, k, 2, 3) : Stored.random(rng, k, n, 2, 3);
                float[] bias = Stored.random(rng, 1, n, 0, 0).data();
                Epilogue epilogue = t == 0 ? null : Epilogue.bias(bias).withGelu(Gelu.values()[t - 1]);
                float[] expected = new float[m * n], got = new float[m * n];
                Gemm.sgemm(m, n, k, Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                        Operand.of(b.data(), b.off(), b.ld()).transposed(transB),
                        expected, 0, n, false, epilogue);
                PackedB packed = Gemm.packB(transB, k, n, b.data(), b.off(), b.ld());
                assertEquals(k, packed.k());
                assertEquals(n, packed.n());
                Gemm.sgemm(m, packed.n(), packed.k(), Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                        Operand.of(packed),
                        got, 0, n, false, epilogue);
                assertArrayEquals(bits(expected), bits(got), "m=" + m + " n=" + n + " k=" + k + " transA=" + transA
                        + " transB=" + transB);
            }
        }
    }

    @Test
    void fusedGeluGivesTheBitsOfASeparatePass() {
        long seed = 350;
        for (Gelu kind : Gelu.values()) {
            // Full and edge tiles, one and several k blocks, with and without the old C.
            for (int[] s : new int[][] {{1, 1, 1}, {6, 16, 8}, {13, 37, 9}, {37, 300, 1100}, {50, 64, 50}}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    SplittableRandom rng = new SplittableRandom(seed++);
                    // Products of magnitude up to ~10·sqrt(k): GELU's whole range, tails included.
                    Stored a = Stored.random(rng, m, k, 0, 0), b = Stored.random(rng, n, k, 0, 0);
                    for (int i = 0; i < a.data().length; i++) {
                        a.data()[i] *= 10;
                    }
                    float[] bias = Stored.random(rng, 1, n, 0, 0).data();
                    float[] res = Arrays.copyOf(Stored.random(rng, m, n, 0, 0).data(), m * n);
                    float[] start = Arrays.copyOf(Stored.random(rng, m, n, 0, 0).data(), m * n);
                    float[] fused = start.clone(), separate = start.clone();
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), 0, k), Operand.of(b.data(), 0, k).t(),
                            fused, 0, n, accumulate, Epilogue.bias(bias).withGelu(kind).withResidual(res, 0, n));
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), 0, k), Operand.of(b.data(), 0, k).t(),
                            separate, 0, n, accumulate, Epilogue.bias(bias));
                    VectorMath.gelu(kind, separate, 0, separate, 0, m * n);
                    for (int i = 0; i < separate.length; i++) {
                        separate[i] += res[i];
                    }
                    assertArrayEquals(bits(separate), bits(fused), kind + " m=" + m + " n=" + n + " k=" + k
                            + " accumulate=" + accumulate);
                }
            }
        }
    }

    @Test
    void segmentOperandsGiveTheSameBitsAsArrays() {
        long seed = 400;
        // Shared: the pool's threads pack from the segments.
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : new int[][] {{1, 1, 1}, {37, 300, 1100}, {13, 70, 9}, {2, Gemm.BLOCK_N + 5, 3}, {50, 64, 50}}) {
                for (int t = 0; t < 4; t++) {
                    boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    SplittableRandom rng = new SplittableRandom(seed++);
                    Stored a = transA ? Stored.random(rng, k, m, 1, 1) : Stored.random(rng, m, k, 1, 1);
                    Stored b = transB ? Stored.random(rng, n, k, 2, 3) : Stored.random(rng, k, n, 2, 3);
                    Epilogue epilogue = t == 0 ? null : Epilogue.bias(Stored.random(rng, 1, n, 0, 0).data()).withGelu(Gelu.values()[t - 1]);
                    String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB;
                    float[] expected = new float[m * n], got = new float[m * n];
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                            Operand.of(b.data(), b.off(), b.ld()).transposed(transB),
                            expected, 0, n, false, epilogue);
                    // Off-heap, at an odd byte address (a file mapping need not align its floats).
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                            Operand.of(offHeap(arena, b.data()), b.off(), b.ld()).transposed(transB),
                            got, 0, n, false, epilogue);
                    assertArrayEquals(bits(expected), bits(got), "mapped B, " + what);
                    Gemm.sgemm(m, n, k, Operand.of(offHeap(arena, a.data()), a.off(), a.ld()).transposed(transA),
                            Operand.of(b.data(), b.off(), b.ld()).transposed(transB),
                            got, 0, n, false, epilogue);
                    assertArrayEquals(bits(expected), bits(got), "mapped A, " + what);
                    // A heap segment over part of an array: offsets count from the slice.
                    MemorySegment heap = MemorySegment.ofArray(b.data()).asSlice(4L * b.off());
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), a.off(), a.ld()).transposed(transA),
                            Operand.of(heap, 0, b.ld()).transposed(transB),
                            got, 0, n, false, epilogue);
                    assertArrayEquals(bits(expected), bits(got), "heap-segment B, " + what);
                }
            }
            MemorySegment small = offHeap(arena, new float[3]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(2, 2, 2, Operand.of(new float[4], 0, 2), Operand.of(small, 0, 2),
                            new float[4], 0, 2, false, null));
            assertTrue(e.getMessage().contains("B is 2×2") && e.getMessage().contains("has 3"), e.getMessage());
            // A heap slice too short for B is refused too, though the array under it is long enough.
            MemorySegment slice = MemorySegment.ofArray(new float[16]).asSlice(0, 12);
            e = assertThrows(IllegalArgumentException.class,
                    () -> Gemm.sgemm(2, 2, 2, Operand.of(new float[4], 0, 2), Operand.of(slice, 0, 2),
                            new float[4], 0, 2, false, null));
            assertTrue(e.getMessage().contains("B is 2×2") && e.getMessage().contains("has 3"), e.getMessage());
        }
    }

    /** The floats of {@code x}, little-endian, in native memory starting one byte past an aligned address. */
    private static MemorySegment offHeap(Arena arena, float[] x) {
        MemorySegment seg = arena.allocate(4L * x.length + 1, 8).asSlice(1);
        for (int i = 0; i < x.length; i++) {
            seg.set(LE, 4L * i, x[i]);
        }
        return seg;
    }

    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void bitIdenticalForAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(7);
        int m = 150, n = 600, k = 1100;
        Stored a = Stored.random(rng, m, k, 0, 0), w = Stored.random(rng, n, k, 0, 0), res = Stored.random(rng, m, n, 0, 0);
        float[] bias = Stored.random(rng, 1, n, 0, 0).data();
        Stored q = Stored.random(rng, 24 * 50, 64, 0, 0), kk = Stored.random(rng, 24 * 50, 64, 0, 0);
        int[][] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            int[][] now;
            try (Parallel pool = Parallel.of(threads)) {
                now = pool.call(() -> {
                    float[] c = new float[m * n], cFused = new float[m * n], scores = new float[24 * 50 * 50];
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), 0, k), Operand.of(w.data(), 0, k).t(), c, 0, n, false, null);
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), 0, k), Operand.of(w.data(), 0, k).t(),
                            cFused, 0, n, false, Epilogue.bias(bias).withGelu(Gelu.QUICK).withResidual(res.data(), 0, n));
                    Gemm.sgemmBatched(false, true, 24, 50, 50, 64, q.data(), 0, 64, 50 * 64, kk.data(), 0, 64, 50 * 64,
                            scores, 0, 50, 50 * 50, false);
                    float[] cConv = new float[m * n];
                    Gemm.sgemm(m, n, k, Operand.of(a.data(), 0, k), Operand.of(Gemm.packB(true, k, n, w.data(), 0, k)),
                            cConv, 0, n, false,
                            Epilogue.affine(bias, res.data()).withResidual(res.data(), 0, n).withRelu());
                    return new int[][] {bits(c), bits(cFused), bits(scores), bits(cConv)};
                });
            }
            if (first == null) {
                first = now;
            } else {
                for (int i = 0; i < now.length; i++) {
                    assertArrayEquals(first[i], now[i], "result " + i + " differs between 1 and " + threads + " threads");
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        float[] small = new float[5], ok = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(3, 3, 3, Operand.of(small, 0, 3), Operand.of(ok, 0, 3), ok, 0, 3, false, null));
        assertTrue(e.getMessage().contains("A is 3×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(3, 4, 3, Operand.of(ok, 0, 3), Operand.of(ok, 0, 2).t(), ok, 0, 4, false, null));
        assertTrue(e.getMessage().contains("B row stride 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(3, 4, 3, Operand.of(ok, 0, 3), Operand.of(ok, 0, 4),
                        ok, 0, 4, false, Epilogue.bias(new float[3])));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(3, 4, 3, Operand.of(ok, 0, 3), Operand.of(ok, 0, 4),
                        ok, 0, 4, false, Epilogue.affine(new float[2], new float[4])));
        assertTrue(e.getMessage().contains("scale has 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 2, 3, 3, 1, ok, 0, 1, 3, ok, 0, 3, 0, ok, 0, 3, 6, false));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 20, 3, 3, 1, ok, 0, 1, 3, ok, 0, 3, 0, ok, 0, 3, 9, false));
        assertTrue(e.getMessage().contains("C is 3×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.packB(Operand.of(MemorySegment.ofArray(small), 0, 3).t(), 3, 2));
        assertTrue(e.getMessage().contains("packB: B is 2×3"), e.getMessage());
        PackedB packed = Gemm.packB(Operand.of(ok, 0, 3), 3, 3);
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.packB(Operand.of(packed), 3, 3));
        assertTrue(e.getMessage().contains("packed already"), e.getMessage());
    }

    private static int[] bits(float[] x) {
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Float.floatToRawIntBits(x[i]);
        }
        return out;
    }
}
