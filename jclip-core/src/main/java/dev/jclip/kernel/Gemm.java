package dev.jclip.kernel;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on row-major arrays:
 * {@code C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C if accumulate)}, where
 * {@code op(X)} is X or its transpose. {@code lda/ldb/ldc} are row strides of
 * the arrays as stored (so a transposed A is stored k×m with stride lda).
 *
 * <p>The structure is the classic one (Goto / BLIS): for each block of k, copy
 * ("pack") B into panels of {@link #NR} columns laid out in the order the
 * micro-kernel reads them (a transposed A likewise into panels of {@link #MR}
 * rows; a row-major A is read in place), then let the micro-kernel compute MR×NR
 * tiles of C in registers. Tiles are shared out to the {@link Parallel} pool in
 * groups; k is never split between threads, so every element of C is reduced in
 * one fixed order and results are bit-identical for any thread count. Weights
 * reused across calls can be packed once ({@link #packB}). A or B may instead be a
 * {@link MemorySegment} of little-endian floats (a memory-mapped weight): it is read
 * only while packing, so the product is the same as from an array holding those floats. A
 * segment B may hold 16-bit floats ({@link Operand.Format}): packing widens them exactly, so the
 * product is that of their float32 values.
 */
public final class Gemm {
    private Gemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** A float of a segment operand: {@code Tensor.ELEMENT}, repeated so that kernels stay independent of tensors. */
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int VL = S.length();
    /** A 16-bit element of a segment operand, and the vector shapes that widen bfloat16: VL ints from VL shorts. */
    private static final ValueLayout.OfShort BITS16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(VL * Short.SIZE));
    /** Rows of a register tile: 6 rows × 2 vectors = 12 accumulators, which fits AVX2's 16 registers too. */
    static final int MR = 6;
    /** Columns of a register tile: two vectors. */
    static final int NR = 2 * VL;
    /**
     * Largest depth of a k block: 512 with AVX-512's 16 lanes, 1024 with 8 lanes or fewer, so that
     * a panel of B (kc × NR floats) is at most 64 KiB. Each block ends with a pass over the task's
     * tiles of C, and each call of the micro-kernel with its stores, so deeper is better while an
     * MR×kc panel of A (12 or 24 KiB) stays in L1 and the task's B panels (512 KiB) in L2. On Zen 3
     * with AVX2, blocks of up to 1024 instead of 512 made the products of ViT-B/32's blocks 2–8%
     * faster (1,600 rows, each product alone) and its images 2.6% (paired in one process).
     */
    static final int KC = VL >= 16 ? 512 : 1024;
    /** One task computes up to TASK_M_PANELS × TASK_N_PANELS tiles (96×256 with AVX-512). */
    private static final int TASK_M_PANELS = 16;
    private static final int TASK_N_PANELS = 8;
    /** Rows and columns packed at once, bounding one k block's packing buffers (6 or 12 MiB of A, 8 MiB of B). */
    static final int BLOCK_M = 512 * MR;
    static final int BLOCK_N = 128 * NR;
    /** Rows of k that one packing task copies across all panels of an operand stored with k along its rows. */
    private static final int PACK_ROWS = 16;
    /** Panels of a transposed A that one such task packs: 16 × MR rows of 16 floats, 96 cache lines. */
    private static final int PACK_PANELS = 16;
    /**
     * Floats of packed A and B that the k blocks packed at once may take (16 MiB): every k block of
     * a CLIP MLP's second product, most of ViT-L/14's.
     */
    private static final int GROUP_FLOATS = 1 << 22;
    /** Below this many flops per matrix, a batched multiply runs whole matrices in parallel. */
    private static final long SMALL_FLOPS = 1L << 24;

    /**
     * Per-thread buffers: packed A and B of the products this thread drives (grown on demand,
     * shared with the pool while it runs them) and the tile buffer of the tasks it computes.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {
        new float[0], new float[0], new float[MR * NR]});
    /** Per-thread copy of the rows of a mapped, transposed B that one panel packs. */
    private static final ThreadLocal<float[]> PANEL_SOURCE = ThreadLocal.withInitial(() -> new float[NR * KC]);

    /**
     * {@code C[m×n] = epilogue(op(A)·op(B) (+ C if accumulate))}, {@code op(A)} {@code m×k} and
     * {@code op(B)} {@code k×n} as the operands say (see the class comment for the layout), C
     * row-major from {@code cOff} with row stride {@code ldc}; {@code epilogue} (may be null) is
     * applied to each element as it is written. A is an array or a segment; B an array, a
     * segment (not both A and B segments) or packed.
     */
    public static void sgemm(int m, int n, int k, Operand a, Operand b, float[] c, int cOff, int ldc, boolean accumulate,
                             Epilogue epilogue) {
        if (a.packed() != null) {
            throw new IllegalArgumentException("sgemm: only B can be packed");
        }
        if (a.format() != Operand.Format.F32) {
            throw new IllegalArgumentException("sgemm: only B can hold 16-bit floats");
        }
        if (b.packed() != null) {
            if (b.packed().k() != k || b.packed().n() != n) {
                throw new IllegalArgumentException("sgemm: packed B is " + b.packed().k() + "×" + b.packed().n()
                        + ", the product needs " + k + "×" + n);
            }
            requireArray(a, "A with a packed B");
            packed(a.transposed(), m, a.array(), a.offset(), a.ld(), b.packed(), c, cOff, ldc, accumulate, epilogue);
        } else if (a.array() != null && b.array() != null) {
            arrays(a.transposed(), b.transposed(), m, n, k, a.array(), a.offset(), a.ld(), b.array(), b.offset(), b.ld(),
                    c, cOff, ldc, accumulate, epilogue);
        } else if (a.array() != null) {
            segmentB(a.transposed(), b.transposed(), m, n, k, a.array(), a.offset(), a.ld(), b.segment(), b.format(), b.offset(),
                    b.ld(), c, cOff, ldc, accumulate, epilogue);
        } else {
            requireArray(b, "B with a segment A");
            segmentA(a.transposed(), b.transposed(), m, n, k, a.segment(), a.offset(), a.ld(), b.array(), b.offset(), b.ld(),
                    c, cOff, ldc, accumulate, epilogue);
        }
    }

    private static void requireArray(Operand x, String what) {
        if (x.array() == null) {
            throw new IllegalArgumentException("sgemm: " + what + " must be an array");
        }
    }

    /** Both operands arrays. */
    private static void arrays(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
        Problem p = new Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue);
        p.check("sgemm");
        multiply(p, true);
    }

    /**
     * B the elements of a segment in {@code format} ({@code bOff} and {@code ldb} count elements): a
     * layer's weight, mapped or over a heap array, float32 or 16-bit.
     */
    private static void segmentB(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             MemorySegment b, Operand.Format format, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
        Objects.requireNonNull(a, "sgemm: A is null");
        float[] array = format == Operand.Format.F32 ? heapArray(b) : null;
        Problem p = array != null
                ? new Problem(transA, transB, m, n, k, a, aOff, lda, array, heapOffset(b) + bOff, ldb, c, cOff, ldc,
                        accumulate, epilogue)
                : new Problem(transA, transB, m, n, k, a, null, aOff, lda, null, b, bOff, ldb, c, cOff, ldc,
                        accumulate, epilogue, null, format);
        p.check("sgemm");
        // A heap slice must hold B itself, not merely the array under it.
        Problem.checkMatrix("sgemm", "B", b.byteSize() / elementBytes(format), bOff, ldb, transB ? n : k, transB ? k : n);
        multiply(p, true);
    }

    /** A the floats of a segment (a convolution's weight, say). */
    private static void segmentA(boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
        Objects.requireNonNull(b, "sgemm: B is null");
        float[] array = heapArray(a);
        Problem p = array != null
                ? new Problem(transA, transB, m, n, k, array, heapOffset(a) + aOff, lda, b, bOff, ldb, c, cOff, ldc,
                        accumulate, epilogue)
                : new Problem(transA, transB, m, n, k, null, a, aOff, lda, b, null, bOff, ldb, c, cOff, ldc,
                        accumulate, epilogue, null, Operand.Format.F32);
        p.check("sgemm");
        Problem.checkMatrix("sgemm", "A", a.byteSize() / Float.BYTES, aOff, lda, transA ? k : m, transA ? m : k);
        multiply(p, true);
    }

    /** The float array under a heap segment (whose floats the array path reads faster), or null. */
    private static float[] heapArray(MemorySegment s) {
        Objects.requireNonNull(s, "sgemm: segment is null");
        return s.heapBase().orElse(null) instanceof float[] f && s.address() % Float.BYTES == 0 ? f : null;
    }

    private static int heapOffset(MemorySegment s) {
        return (int) (s.address() / Float.BYTES);
    }

    private static int elementBytes(Operand.Format format) {
        return format == Operand.Format.F32 ? Float.BYTES : Short.BYTES;
    }

    /**
     * Copies {@code op(B)} ({@code k×n}; stored {@code n×k} when {@code transB}) into the
     * micro-kernel's panel layout once, for products that reuse it (a layer's weight at
     * inference): {@link #sgemm} with {@link Operand#of(PackedB)} then skips packing B, and gives
     * the same bits as the unpacked call.
     */
    public static PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return packB(Operand.of(Objects.requireNonNull(b, "packB: B is null"), bOff, ldb).transposed(transB), k, n);
    }

    /**
     * {@link #packB(boolean, int, int, float[], int, int)} for an array or segment operand {@code b}
     * whose op is {@code k×n} (a mapped weight; 16-bit elements are widened as a product widens them).
     */
    public static PackedB packB(Operand b, int k, int n) {
        return packB(b, k, n, null);
    }

    /**
     * {@link #packB(Operand, int, int)} into {@code into} when it holds at least
     * {@link PackedB#bytes}{@code (k, n)} bytes, else (or when null) into a new array. The result
     * shares {@code into}: it is valid until {@code into} is written again (a caller's scratch
     * array, for a matrix packed once and used at once, such as the keys of an attention head).
     */
    public static PackedB packB(Operand b, int k, int n, float[] into) {
        if (b.packed() != null) {
            throw new IllegalArgumentException("packB: B is packed already");
        }
        if (k < 0 || n < 0) {
            throw new IllegalArgumentException("packB: negative size k=" + k + " n=" + n);
        }
        boolean transB = b.transposed();
        long length = b.array() != null ? b.array().length : b.segment().byteSize() / elementBytes(b.format());
        Problem.checkMatrix("packB", "B", length, b.offset(), b.ld(), transB ? n : k, transB ? k : n);
        float[] heap = b.array() != null ? b.array() : b.format() == Operand.Format.F32 ? heapArray(b.segment()) : null;
        MemorySegment map = heap == null ? b.segment() : null;
        int off = b.offset() + (heap != null && b.array() == null ? heapOffset(b.segment()) : 0);
        int panels = Math.ceilDiv(n, NR), kcMax = blockDepth(k);
        int size = Math.multiplyExact(k, panels * NR);
        float[] data = into != null && into.length >= size ? into : new float[size];
        int kBlocks = Math.ceilDiv(k, Math.max(1, kcMax));
        Parallel.forEach(kBlocks * panels, t -> {
            int p0 = t / panels * kcMax, kc = Math.min(kcMax, k - p0), col = t % panels * NR;
            packB(transB, heap, map, b.format(), off, b.ld(), col, Math.min(NR, n - col), p0, kc, data,
                    PackedB.offset(p0, kc, col, panels));
        });
        return new PackedB(k, n, data);
    }

    /** B packed by {@link #packB}. */
    private static void packed(boolean transA, int m, float[] a, int aOff, int lda, PackedB b,
                             float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
        Objects.requireNonNull(b, "sgemm: packed B is null");
        Problem p = new Problem(transA, false, m, b.n(), b.k(), a, null, aOff, lda, b.data, null, 0, Math.max(1, b.n()),
                c, cOff, ldc, accumulate, epilogue, b, Operand.Format.F32);
        p.check("sgemm");
        multiply(p, true);
    }

    /**
     * {@code batch} independent products {@code C_i = op(A_i)·op(B_i) (+ C_i)}, where matrix i
     * of X starts at {@code xOff + i * strideX} (a stride of 0 reuses one A or B). The C matrices
     * must not overlap. Small matrices (e.g. attention's 50×64 · 64×50 per head) run one per
     * thread; large ones one after another, each on all threads.
     */
    public static void sgemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                                    float[] a, int aOff, int lda, int strideA,
                                    float[] b, int bOff, int ldb, int strideB,
                                    float[] c, int cOff, int ldc, int strideC, boolean accumulate) {
        if (batch < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("sgemmBatched: batch and strides must be non-negative, got batch=" + batch
                    + " strideA=" + strideA + " strideB=" + strideB + " strideC=" + strideC);
        }
        if (batch == 0) {
            return;
        }
        IntConsumer one = i -> {
            Problem p = new Problem(transA, transB, m, n, k, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    c, cOff + i * strideC, ldc, accumulate, null);
            multiply(p, !smallBatch(batch, m, n, k));
        };
        // Offsets grow with i, so checking the first and the last matrix covers all of them.
        long last = batch - 1L;
        if (aOff + last * strideA > Integer.MAX_VALUE || bOff + last * strideB > Integer.MAX_VALUE
                || cOff + last * strideC > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sgemmBatched: the last matrix starts beyond any array (batch=" + batch + ")");
        }
        new Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, null).check("sgemmBatched");
        new Problem(transA, transB, m, n, k, a, (int) (aOff + last * strideA), lda, b, (int) (bOff + last * strideB), ldb,
                c, (int) (cOff + last * strideC), ldc, accumulate, null).check("sgemmBatched (last matrix)");
        if (batch > 1 && m > 0 && n > 0 && strideC < (long) (m - 1) * ldc + n) {
            throw new IllegalArgumentException("sgemmBatched: C matrices overlap: strideC=" + strideC
                    + " < (m-1)*ldc+n = " + ((long) (m - 1) * ldc + n));
        }
        if (smallBatch(batch, m, n, k)) {
            Parallel.forEach(batch, one);
        } else {
            for (int i = 0; i < batch; i++) {
                one.accept(i);
            }
        }
    }

    private static boolean smallBatch(int batch, int m, int n, int k) {
        return batch > 1 && 2L * m * n * k < SMALL_FLOPS;
    }

    /**
     * The arguments of one product. Each of A and B is an array or, for a mapped weight, a
     * segment ({@code aMap}, {@code bMap}; the array is then null and offsets count elements), B's
     * in {@code bFormat}.
     */
    private record Problem(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, MemorySegment aMap, int aOff, int lda, float[] b, MemorySegment bMap, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue, PackedB packed,
                           Operand.Format bFormat) {

        Problem(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, Epilogue epilogue) {
            this(transA, transB, m, n, k, Objects.requireNonNull(a, "sgemm: A is null"), null, aOff, lda,
                    Objects.requireNonNull(b, "sgemm: B is null"), null, bOff, ldb, c, cOff, ldc, accumulate, epilogue, null,
                    Operand.Format.F32);
        }

        /** Rejects bad sizes and arrays too short for the given offsets and strides, before any work. */
        void check(String what) {
            Objects.requireNonNull(c, what + ": C is null");
            if (m < 0 || n < 0 || k < 0) {
                throw new IllegalArgumentException(what + ": negative size m=" + m + " n=" + n + " k=" + k);
            }
            checkMatrix(what, "A", length(a, aMap), aOff, lda, transA ? k : m, transA ? m : k);
            if (packed == null) {
                long bLength = b != null ? b.length : bMap.byteSize() / elementBytes(bFormat);
                checkMatrix(what, "B", bLength, bOff, ldb, transB ? n : k, transB ? k : n);
            }
            checkMatrix(what, "C", c.length, cOff, ldc, m, n);
            if (epilogue != null) {
                if (epilogue.bias() != null && epilogue.bias().length < n) {
                    throw new IllegalArgumentException(what + ": bias has " + epilogue.bias().length
                            + " elements, needs n=" + n);
                }
                if (epilogue.residual() != null) {
                    checkMatrix(what, "residual", epilogue.residual().length, epilogue.residualOff(), epilogue.ldr(), m, n);
                }
                if (epilogue.scale() != null && epilogue.scale().length < n) {
                    throw new IllegalArgumentException(what + ": scale has " + epilogue.scale().length
                            + " elements, needs n=" + n);
                }
            }
        }

        private static long length(float[] array, MemorySegment map) {
            return array != null ? array.length : map.byteSize() / Float.BYTES;
        }

        static void checkMatrix(String what, String name, long length, int off, int ld, int rows, int cols) {
            if (ld < Math.max(1, cols)) {
                throw new IllegalArgumentException(what + ": " + name + " row stride " + ld + " < its " + cols + " columns");
            }
            long end = rows == 0 || cols == 0 ? off : off + (long) (rows - 1) * ld + cols;
            if (off < 0 || end > length) {
                throw new IllegalArgumentException(what + ": " + name + " is " + rows + "×" + cols + " with stride " + ld
                        + " from offset " + off + ", needs " + end + " elements but has " + length);
            }
        }
    }

    /** The blocked product; {@code parallel} false keeps it on the calling thread (for batches). */
    private static void multiply(Problem p, boolean parallel) {
        if (p.m == 0 || p.n == 0) {
            return;
        }
        float[][] scratch = SCRATCH.get();
        int kcMax = blockDepth(p.k);
        // k = 0 still runs one empty block, so that C is cleared and the epilogue applied.
        int kBlocks = Math.max(1, Math.ceilDiv(p.k, Math.max(1, kcMax)));
        boolean packB = p.packed == null;
        for (int j0 = 0; j0 < p.n; j0 += BLOCK_N) {
            for (int i0 = 0; i0 < p.m; i0 += BLOCK_M) {
                int rows = Math.min(BLOCK_M, p.m - i0), cols = Math.min(BLOCK_N, p.n - j0);
                int mPanels = Math.ceilDiv(rows, MR), nPanels = Math.ceilDiv(cols, NR);
                // The micro-kernel reads a row-major A array in place, six rows side by side; only
                // a transposed or mapped A, or a last panel of fewer than MR rows, is packed.
                int packedPanels = p.transA || p.aMap != null ? mPanels : rows % MR == 0 ? 0 : 1;
                int firstPacked = mPanels - packedPanels;
                // Smaller tasks when there are too few to keep every thread busy (e.g. one image,
                // 50 rows); who computes a tile never changes how it is computed.
                int tm = TASK_M_PANELS, tn = TASK_N_PANELS, wanted = parallel ? 4 * Parallel.current().threads() : 1;
                while (Math.ceilDiv(mPanels, tm) * Math.ceilDiv(nPanels, tn) < wanted && (tn > 2 || tm > 2)) {
                    if (tn > 2) {
                        tn /= 2;
                    } else {
                        tm /= 2;
                    }
                }
                int taskM = tm, taskN = tn;
                // k blocks in groups, each packed at once and then computed by tasks that run through
                // all its blocks: a task's block of C stays in cache from one k block to the next
                // instead of going out to memory and back between passes over all of C.
                int aBlock = packedPanels * MR * kcMax, bBlock = packB ? nPanels * NR * kcMax : 0;
                int group = kBlockGroup(kBlocks, aBlock + bBlock);
                int ii = i0, jj = j0;
                // An operand stored with k along its rows (a transposed A, a row-major B) is packed
                // PACK_ROWS rows of k at a time across all its panels, reading along the stored rows:
                // panel by panel, each k would start a new row (often a new page, where the
                // hardware prefetcher stops) and packing waited on memory.
                boolean aByRows = p.transA && p.aMap == null, bByRows = packB && !p.transB && p.b != null;
                int rowTasks = Math.ceilDiv(kcMax, PACK_ROWS);
                int aGroups = Math.ceilDiv(packedPanels, PACK_PANELS);
                int aTasks = packedPanels == 0 ? 0 : aByRows ? rowTasks * aGroups : packedPanels;
                int bTasks = !packB ? 0 : bByRows ? rowTasks : nPanels;
                int perBlock = aTasks + bTasks;
                int mTasks = Math.ceilDiv(mPanels, taskM), nTasks = Math.ceilDiv(nPanels, taskN);
                for (int kb0 = 0; kb0 < kBlocks; kb0 += group) {
                    int firstBlock = kb0, blocks = Math.min(group, kBlocks - kb0);
                    float[] aPack = grow(scratch, 0, blocks * aBlock);
                    float[] bPack = packB ? grow(scratch, 1, blocks * bBlock) : p.packed.data;
                    run(parallel, blocks * perBlock, task -> {
                        int kb = task / perBlock, t = task % perBlock;
                        int p0 = (firstBlock + kb) * kcMax, kc = Math.min(kcMax, p.k - p0);
                        int a0 = kb * aBlock, b0 = kb * bBlock;
                        if (t < aTasks && aByRows) {
                            int q = t / aGroups * PACK_ROWS, u = t % aGroups * PACK_PANELS;
                            if (q < kc) {
                                packRowsA(p, ii, u, Math.min(packedPanels, u + PACK_PANELS), p0, kc, q,
                                        Math.min(kc, q + PACK_ROWS), aPack, a0);
                            }
                        } else if (t < aTasks) {
                            int row = ii + (firstPacked + t) * MR;
                            packA(p, row, Math.min(MR, p.m - row), p0, kc, aPack, a0 + t * MR * kc);
                        } else if (bByRows) {
                            int q = (t - aTasks) * PACK_ROWS;
                            if (q < kc) {
                                packRowsB(p, jj, nPanels, p0, kc, q, Math.min(kc, q + PACK_ROWS), bPack, b0);
                            }
                        } else {
                            int col = jj + (t - aTasks) * NR;
                            packB(p.transB, p.b, p.bMap, p.bFormat, p.bOff, p.ldb, col, Math.min(NR, p.n - col), p0, kc,
                                    bPack, b0 + (t - aTasks) * NR * kc);
                        }
                    });
                    run(parallel, mTasks * nTasks, t -> {
                        int ip0 = t / nTasks * taskM, jp0 = t % nTasks * taskN;
                        int ipEnd = Math.min(mPanels, ip0 + taskM), jpEnd = Math.min(nPanels, jp0 + taskN);
                        float[] tile = SCRATCH.get()[2];
                        for (int kb = firstBlock; kb < firstBlock + blocks; kb++) {
                            int p0 = kb * kcMax, kc = Math.min(kcMax, p.k - p0);
                            boolean add = kb > 0 || p.accumulate;
                            Epilogue epilogue = kb == kBlocks - 1 ? p.epilogue : null;
                            int a0 = (kb - firstBlock) * aBlock;
                            int bBase = packB ? (kb - firstBlock) * bBlock : PackedB.offset(p0, kc, jj, Math.ceilDiv(p.n, NR));
                            // A panel outer: it stays in L1 while the task's B panels stream from L2, and
                            // consecutive tiles write along the same rows of C.
                            for (int ip = ip0; ip < ipEnd; ip++) {
                                int row = ii + ip * MR;
                                boolean packed = ip >= firstPacked;
                                float[] a = packed ? aPack : p.a;
                                int ai = packed ? a0 + (ip - firstPacked) * MR * kc : p.aOff + row * p.lda + p0;
                                int lda = packed ? kc : p.lda;
                                for (int jp = jp0; jp < jpEnd; jp++) {
                                    int col = jj + jp * NR, rowsHere = Math.min(MR, p.m - row), colsHere = Math.min(NR, p.n - col);
                                    int bi = bBase + jp * NR * kc;
                                    if (rowsHere < MR || colsHere < NR) {
                                        microKernel(a, ai, lda, bPack, bi, kc, tile, 0, NR);
                                        storeTile(tile, p, row, col, rowsHere, colsHere, add, epilogue);
                                    } else if (epilogue == null && !add) {
                                        microKernel(a, ai, lda, bPack, bi, kc, p.c, p.cOff + row * p.ldc + col, p.ldc);
                                    } else if (epilogue != null && epilogue.gelu() != null) {
                                        microKernel(a, ai, lda, bPack, bi, kc, tile, 0, NR);
                                        storeFullTile(tile, p, row, col, add, epilogue);
                                    } else {
                                        microKernelEpilogue(a, ai, lda, bPack, bi, kc, p, row, col, add, epilogue);
                                    }
                                }
                            }
                        }
                    });
                }
            }
        }
    }

    /**
     * How many of the {@code kBlocks} k blocks to pack and compute at once when each needs
     * {@code packedFloats} floats of packing buffer: as many as fit {@link #GROUP_FLOATS}, at least one.
     */
    private static int kBlockGroup(int kBlocks, int packedFloats) {
        return packedFloats == 0 ? kBlocks : Math.clamp(GROUP_FLOATS / packedFloats, 1, kBlocks);
    }

    /**
     * Whether a product of depth {@code k} may take C itself as its epilogue's residual (the same
     * array, offset and row stride): true when k is one k block, as then each element of C is
     * written once, by the epilogue, which has read that element's residual just before.
     * With more blocks the first would overwrite the residual with its partial sums.
     */
    public static boolean residualMayBeC(int k) {
        return k > 0 && k <= KC;
    }

    /**
     * Depth of the k blocks for a given k: equal blocks of at most {@link #KC} (with 512, k = 768
     * gives 2×384, not 512 + 256). Depends on k alone (on a given machine), so packed and unpacked B
     * block alike.
     */
    static int blockDepth(int k) {
        return k == 0 ? 0 : Math.ceilDiv(k, Math.ceilDiv(k, KC));
    }

    private static void run(boolean parallel, int tasks, IntConsumer body) {
        if (parallel) {
            Parallel.forEach(tasks, body);
        } else {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        }
    }

    /** {@code scratch[which]}, replaced by a new array when it holds fewer than {@code size} floats. */
    static float[] grow(float[][] scratch, int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new float[size];
        }
        return scratch[which];
    }

    /**
     * Copies rows {@code [row, row+rows)} × k range {@code [p0, p0+kc)} of op(A) into one panel:
     * MR rows of kc consecutive floats, zero for rows past the edge. Used for a transposed or
     * mapped A, and for the last rows of a row-major one.
     */
    private static void packA(Problem p, int row, int rows, int p0, int kc, float[] dst, int d) {
        float[] a = p.a;
        // Element (r, q) of op(A) is at a[first + r * rowStride + q * kStride].
        int first = p.transA ? p.aOff + p0 * p.lda + row : p.aOff + row * p.lda + p0;
        int rowStride = p.transA ? 1 : p.lda, kStride = p.transA ? p.lda : 1;
        if (p.aMap != null) {
            MemorySegment map = p.aMap;
            for (int r = 0; r < MR; r++) {
                int src = first + r * rowStride;
                for (int q = 0; q < kc; q++) {
                    dst[d + r * kc + q] = r < rows ? map.getAtIndex(F32_LE, src + (long) q * kStride) : 0f;
                }
            }
        } else if (p.transA && rows == MR) {
            // Six consecutive floats of each stored row go to the six rows of the panel.
            for (int q = 0; q < kc; q++) {
                int src = first + q * kStride, o = d + q;
                dst[o] = a[src];
                dst[o + kc] = a[src + 1];
                dst[o + 2 * kc] = a[src + 2];
                dst[o + 3 * kc] = a[src + 3];
                dst[o + 4 * kc] = a[src + 4];
                dst[o + 5 * kc] = a[src + 5];
            }
        } else {
            Arrays.fill(dst, d + rows * kc, d + MR * kc, 0f);
            for (int r = 0; r < rows; r++) {
                int src = first + r * rowStride;
                for (int q = 0; q < kc; q++) {
                    dst[d + r * kc + q] = a[src + q * kStride];
                }
            }
        }
    }

    /**
     * Packs rows {@code [q0, q1)} of the k block {@code [p0, p0+kc)} of a transposed A array into
     * panels {@code [u0, u1)} of those from row {@code row0} of op(A) (each laid out as
     * {@link #packA} does, the first at {@code dst[base]}), reading along the stored rows. A group of
     * panels at a time, so that the lines it writes stay in L1 until whole.
     */
    private static void packRowsA(Problem p, int row0, int u0, int u1, int p0, int kc, int q0, int q1, float[] dst,
                                  int base) {
        float[] a = p.a;
        int full = Math.min(u1, (p.m - row0) / MR);
        for (int u = Math.max(u0, full); u < u1; u++) {
            for (int r = p.m - row0 - u * MR, d = base + u * MR * kc; r < MR; r++) {
                Arrays.fill(dst, d + r * kc + q0, d + r * kc + q1, 0f);
            }
        }
        int q = q0;
        // Panels whose eight floats from the panel's first row lie inside A, by 8×8 register transposes.
        int vectorPanels = VL == 8 ? Math.max(u0, Math.min(full, (p.m - row0 - 2) / MR)) : u0;
        for (; vectorPanels > u0 && q + 8 <= q1; q += 8) {
            int src = p.aOff + (p0 + q) * p.lda + row0;
            for (int u = u0; u < vectorPanels; u++) {
                transpose8(a, src + u * MR, p.lda, dst, base + u * MR * kc + q, kc, MR);
            }
            for (int qq = q; qq < q + 8; qq++) {
                packRowA(a, p.aOff + (p0 + qq) * p.lda + row0, p.m - row0, vectorPanels, u1, full, kc, base + qq, dst);
            }
        }
        for (; q < q1; q++) {
            packRowA(a, p.aOff + (p0 + q) * p.lda + row0, p.m - row0, u0, u1, full, kc, base + q, dst);
        }
    }

    /**
     * Packs row q of the block into panels {@code [u0, u1)}, the first {@code full} of them whole,
     * from the stored row starting at the panels' first row, {@code rowStart}; op(A) has
     * {@code rows} rows from there. {@code q} counts from the start of the first panel in {@code dst}.
     */
    private static void packRowA(float[] a, int rowStart, int rows, int u0, int u1, int full, int kc, int q, float[] dst) {
        int src = rowStart + u0 * MR;
        int u = u0;
        for (; u < full; u++, src += MR) {
            int o = u * MR * kc + q;
            dst[o] = a[src];
            dst[o + kc] = a[src + 1];
            dst[o + 2 * kc] = a[src + 2];
            dst[o + 3 * kc] = a[src + 3];
            dst[o + 4 * kc] = a[src + 4];
            dst[o + 5 * kc] = a[src + 5];
        }
        for (int r = 0; u < u1 && r < rows - u * MR; r++) {
            dst[u * MR * kc + r * kc + q] = a[src + r];
        }
    }

    /**
     * The 8×8 block of {@code a} from {@code src} (rows {@code lda} apart) transposed, its first
     * {@code rows} columns (MR for an A panel, 8 for a B panel) written as rows of eight floats to
     * {@code dst} from {@code d}, {@code ldd} apart (AVX2 only). Three butterfly stages as in
     * {@link #transpose16}.
     */
    private static void transpose8(float[] a, int src, int lda, float[] dst, int d, int ldd, int rows) {
        FloatVector v0 = FloatVector.fromArray(S, a, src);
        FloatVector v1 = FloatVector.fromArray(S, a, src + lda);
        FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * lda);
        FloatVector v3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * lda);
        FloatVector v5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector v6 = FloatVector.fromArray(S, a, src + 6 * lda);
        FloatVector v7 = FloatVector.fromArray(S, a, src + 7 * lda);
        FloatVector keep, lo, hi;
        lo = FloatVector.fromArray(S, BUTTERFLY8, 0);
        hi = FloatVector.fromArray(S, BUTTERFLY8, 8);
        keep = lo.selectFrom(v0, v4); v4 = hi.selectFrom(v4, v0); v0 = keep;
        keep = lo.selectFrom(v1, v5); v5 = hi.selectFrom(v5, v1); v1 = keep;
        keep = lo.selectFrom(v2, v6); v6 = hi.selectFrom(v6, v2); v2 = keep;
        keep = lo.selectFrom(v3, v7); v7 = hi.selectFrom(v7, v3); v3 = keep;
        lo = FloatVector.fromArray(S, BUTTERFLY8, 16);
        hi = FloatVector.fromArray(S, BUTTERFLY8, 24);
        keep = lo.selectFrom(v0, v2); v2 = hi.selectFrom(v2, v0); v0 = keep;
        keep = lo.selectFrom(v1, v3); v3 = hi.selectFrom(v3, v1); v1 = keep;
        keep = lo.selectFrom(v4, v6); v6 = hi.selectFrom(v6, v4); v4 = keep;
        keep = lo.selectFrom(v5, v7); v7 = hi.selectFrom(v7, v5); v5 = keep;
        lo = FloatVector.fromArray(S, BUTTERFLY8, 32);
        hi = FloatVector.fromArray(S, BUTTERFLY8, 40);
        keep = lo.selectFrom(v0, v1); v1 = hi.selectFrom(v1, v0); v0 = keep;
        keep = lo.selectFrom(v2, v3); v3 = hi.selectFrom(v3, v2); v2 = keep;
        keep = lo.selectFrom(v4, v5); v5 = hi.selectFrom(v5, v4); v4 = keep;
        keep = lo.selectFrom(v6, v7); v7 = hi.selectFrom(v7, v6); v6 = keep;
        v0.intoArray(dst, d);
        v1.intoArray(dst, d + ldd);
        v2.intoArray(dst, d + 2 * ldd);
        v3.intoArray(dst, d + 3 * ldd);
        v4.intoArray(dst, d + 4 * ldd);
        v5.intoArray(dst, d + 5 * ldd);
        if (rows == 8) {
            v6.intoArray(dst, d + 6 * ldd);
            v7.intoArray(dst, d + 7 * ldd);
        }
    }

    /**
     * Packs rows {@code [q0, q1)} of the k block {@code [p0, p0+kc)} of a row-major B array into
     * all {@code panels} panels from column {@code col0} (each laid out as {@link #packB} does, the
     * first at {@code dst[base]}), reading each stored row once, in order.
     */
    private static void packRowsB(Problem p, int col0, int panels, int p0, int kc, int q0, int q1, float[] dst, int base) {
        float[] b = p.b;
        int full = Math.min(panels, (p.n - col0) / NR), lastCols = p.n - col0 - full * NR;
        VectorMask<Float> lo = S.indexInRange(0, lastCols), hi = S.indexInRange(VL, lastCols);
        for (int q = q0; q < q1; q++) {
            int src = p.bOff + (p0 + q) * p.ldb + col0, o = base + q * NR;
            for (int v = 0; v < full; v++, src += NR, o += NR * kc) {
                FloatVector.fromArray(S, b, src).intoArray(dst, o);
                FloatVector.fromArray(S, b, src + VL).intoArray(dst, o + VL);
            }
            if (full < panels) {
                // Masked-off lanes load as zero, which pads the last panel.
                FloatVector.fromArray(S, b, src, lo).intoArray(dst, o);
                FloatVector.fromArray(S, b, src + VL, hi).intoArray(dst, o + VL);
            }
        }
    }

    /**
     * Copies k range {@code [p0, p0+kc)} × columns {@code [col, col+cols)} of op(B) into one panel:
     * for each k, NR consecutive floats, zero for columns past the edge.
     */
    private static void packB(boolean transB, float[] b, MemorySegment bMap, Operand.Format format, int bOff, int ldb,
                              int col, int cols, int p0, int kc, float[] dst, int d) {
        if (transB && VL == 16 && cols == NR && kc >= 16 && format == Operand.Format.F32) {
            // Whole 16×16 blocks by register transposes; the last kc % 16 rows element by element.
            int blocks = kc - kc % 16;
            MemorySegment src = bMap != null ? bMap : MemorySegment.ofArray(b);
            ByteOrder order = bMap != null ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
            for (int half = 0; half < NR; half += 16) {
                long first = Float.BYTES * (bOff + (long) (col + half) * ldb + p0);
                for (int q = 0; q < blocks; q += 16) {
                    transpose16(src, order, first + Float.BYTES * (long) q, Float.BYTES * (long) ldb, dst, d + q * NR + half);
                }
            }
            if (blocks < kc) {
                packB(true, b, bMap, format, bOff, ldb, col, cols, p0 + blocks, kc - blocks, dst, d + blocks * NR);
            }
        } else if (bMap != null) {
            packB(transB, bMap, format, bOff, ldb, col, cols, p0, kc, dst, d);
        } else if (transB && VL == 8 && cols == NR && kc >= 8) {
            // Whole 8×8 blocks by register transposes (two per eight k of the panel); the last
            // kc % 8 rows element by element. Element by element, a panel's packing cost about as
            // much as its products when few rows of A share it (a server's batch of short texts).
            int blocks = kc - kc % 8, base = bOff + col * ldb + p0;
            for (int q = 0; q < blocks; q += 8) {
                transpose8(b, base + q, ldb, dst, d + q * NR, NR, 8);
                transpose8(b, base + 8 * ldb + q, ldb, dst, d + q * NR + 8, NR, 8);
            }
            if (blocks < kc) {
                packB(true, b, null, format, bOff, ldb, col, cols, p0 + blocks, kc - blocks, dst, d + blocks * NR);
            }
        } else if (transB) {
            // A transpose, 16 k at a time: the 16×NR block of the panel being written stays in L1
            // while the source rows are read sequentially.
            int base = bOff + col * ldb + p0;
            for (int q0 = 0; q0 < kc; q0 += 16) {
                int qEnd = Math.min(kc, q0 + 16);
                for (int j = 0; j < cols; j++) {
                    int src = base + j * ldb;
                    for (int q = q0; q < qEnd; q++) {
                        dst[d + q * NR + j] = b[src + q];
                    }
                }
            }
            for (int q = 0; q < kc && cols < NR; q++) {
                Arrays.fill(dst, d + q * NR + cols, d + (q + 1) * NR, 0f);
            }
        } else {
            // Rows of B are already contiguous: two (masked) vector copies per k. Masked-off lanes
            // load as zero, which pads a last panel narrower than NR.
            VectorMask<Float> lo = S.indexInRange(0, cols), hi = S.indexInRange(VL, cols);
            for (int q = 0; q < kc; q++) {
                int src = bOff + (p0 + q) * ldb + col, o = d + q * NR;
                FloatVector.fromArray(S, b, src, lo).intoArray(dst, o);
                FloatVector.fromArray(S, b, src + VL, hi).intoArray(dst, o + VL);
            }
        }
    }

    /** {@link #packB} reading a segment of little-endian elements in {@code format}, 16-bit ones widened. */
    private static void packB(boolean transB, MemorySegment b, Operand.Format format, int bOff, int ldb, int col, int cols,
                              int p0, int kc, float[] dst, int d) {
        if (transB) {
            // The panel's source rows copied out in bulk (reading a mapping float by float is
            // slow), then transposed from that array as from any other.
            float[] rows = PANEL_SOURCE.get();
            for (int j = 0; j < cols; j++) {
                long first = bOff + (long) (col + j) * ldb + p0;
                if (format == Operand.Format.F32) {
                    MemorySegment.copy(b, F32_LE, 4L * first, rows, j * kc, kc);
                } else {
                    widen(b, format, first, rows, j * kc, kc);
                }
            }
            packB(true, rows, null, Operand.Format.F32, 0, kc, 0, cols, 0, kc, dst, d);
        } else if (format != Operand.Format.F32) {
            for (int q = 0; q < kc; q++) {
                int o = d + q * NR;
                widen(b, format, bOff + (long) (p0 + q) * ldb + col, dst, o, cols);
                Arrays.fill(dst, o + cols, o + NR, 0f);
            }
        } else {
            VectorMask<Float> lo = S.indexInRange(0, cols), hi = S.indexInRange(VL, cols);
            for (int q = 0; q < kc; q++) {
                long src = (long) Float.BYTES * (bOff + (long) (p0 + q) * ldb + col);
                int o = d + q * NR;
                FloatVector.fromMemorySegment(S, b, src, ByteOrder.LITTLE_ENDIAN, lo).intoArray(dst, o);
                FloatVector.fromMemorySegment(S, b, src + (long) Float.BYTES * VL, ByteOrder.LITTLE_ENDIAN, hi)
                        .intoArray(dst, o + VL);
            }
        }
    }

    /**
     * {@code dst[d, d+n)} = the float32 values of the {@code n} 16-bit elements of {@code src} from
     * element {@code first}: exact. Bfloat16 is the upper half of a float32, eight lanes at a time;
     * half precision through {@link Float#float16ToFloat}, which the JIT compiles to the
     * processor's conversion instruction.
     */
    static void widen(MemorySegment src, Operand.Format format, long first, float[] dst, int d, int n) {
        int i = 0;
        if (format == Operand.Format.BF16) {
            for (; i <= n - I.length(); i += I.length()) {
                ((IntVector) ShortVector.fromMemorySegment(SH, src, 2L * (first + i), ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, d + i);
            }
            for (; i < n; i++) {
                dst[d + i] = Float.intBitsToFloat(src.getAtIndex(BITS16_LE, first + i) << 16);
            }
        } else {
            for (; i < n; i++) {
                dst[d + i] = Float.float16ToFloat(src.getAtIndex(BITS16_LE, first + i));
            }
        }
    }

    /**
     * Index vectors of {@link #transpose16}'s four butterfly stages, two per stage: for distance
     * {@code h} (8, 4, 2, 1) and a row r with {@code (r & h) != 0} equal to {@code b}, lane c keeps
     * lane c of row r when {@code (c & h) != 0} is b too, and otherwise takes lane {@code c ^ h} of
     * row {@code r ^ h} (index {@code 16 + (c ^ h)} of a two-vector {@code selectFrom}).
     */
    private static final float[] BUTTERFLY = new float[4 * 2 * 16];

    /** {@link #BUTTERFLY} for {@link #transpose8}: distances 4, 2, 1 over eight lanes. */
    private static final float[] BUTTERFLY8 = new float[3 * 2 * 8];

    static {
        for (int stage = 0, h = 4; h >= 1; stage++, h /= 2) {
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 8; c++) {
                    BUTTERFLY8[(2 * stage + b) * 8 + c] = ((c & h) != 0) == (b == 1) ? c : 8 + (c ^ h);
                }
            }
        }
    }

    static {
        for (int stage = 0, h = 8; h >= 1; stage++, h /= 2) {
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 16; c++) {
                    BUTTERFLY[(2 * stage + b) * 16 + c] = ((c & h) != 0) == (b == 1) ? c : 16 + (c ^ h);
                }
            }
        }
    }

    /**
     * Packs a 16×16 block of a transposed B (AVX-512 only): row r of the source (16 floats along k
     * at byte {@code first + r * rowBytes}) becomes column r of 16 panel rows ({@code dst[d + q * NR
     * + r]} for q = 0..15). Four butterfly stages, each swapping one bit between the row and the lane
     * index of every element: element (r, c) goes to (r ^ h, c ^ h) when bits h of r and c differ.
     * Sixteen loads, 32 two-source permutes and sixteen stores instead of 256 scalar moves. Written
     * out row by row: vectors kept in an array would be allocated on the heap.
     */
    private static void transpose16(MemorySegment src, ByteOrder order, long first, long rowBytes, float[] dst, int d) {
        FloatVector v0 = FloatVector.fromMemorySegment(S, src, first, order);
        FloatVector v1 = FloatVector.fromMemorySegment(S, src, first + 1 * rowBytes, order);
        FloatVector v2 = FloatVector.fromMemorySegment(S, src, first + 2 * rowBytes, order);
        FloatVector v3 = FloatVector.fromMemorySegment(S, src, first + 3 * rowBytes, order);
        FloatVector v4 = FloatVector.fromMemorySegment(S, src, first + 4 * rowBytes, order);
        FloatVector v5 = FloatVector.fromMemorySegment(S, src, first + 5 * rowBytes, order);
        FloatVector v6 = FloatVector.fromMemorySegment(S, src, first + 6 * rowBytes, order);
        FloatVector v7 = FloatVector.fromMemorySegment(S, src, first + 7 * rowBytes, order);
        FloatVector v8 = FloatVector.fromMemorySegment(S, src, first + 8 * rowBytes, order);
        FloatVector v9 = FloatVector.fromMemorySegment(S, src, first + 9 * rowBytes, order);
        FloatVector v10 = FloatVector.fromMemorySegment(S, src, first + 10 * rowBytes, order);
        FloatVector v11 = FloatVector.fromMemorySegment(S, src, first + 11 * rowBytes, order);
        FloatVector v12 = FloatVector.fromMemorySegment(S, src, first + 12 * rowBytes, order);
        FloatVector v13 = FloatVector.fromMemorySegment(S, src, first + 13 * rowBytes, order);
        FloatVector v14 = FloatVector.fromMemorySegment(S, src, first + 14 * rowBytes, order);
        FloatVector v15 = FloatVector.fromMemorySegment(S, src, first + 15 * rowBytes, order);
        FloatVector keep, lo, hi;
        // Distance 8: rows r and r + 8 (r & 8 == 0) swap the lanes c with c & 8 != r's.
        lo = FloatVector.fromArray(S, BUTTERFLY, 0);
        hi = FloatVector.fromArray(S, BUTTERFLY, 16);
        keep = lo.selectFrom(v0, v8); v8 = hi.selectFrom(v8, v0); v0 = keep;
        keep = lo.selectFrom(v1, v9); v9 = hi.selectFrom(v9, v1); v1 = keep;
        keep = lo.selectFrom(v2, v10); v10 = hi.selectFrom(v10, v2); v2 = keep;
        keep = lo.selectFrom(v3, v11); v11 = hi.selectFrom(v11, v3); v3 = keep;
        keep = lo.selectFrom(v4, v12); v12 = hi.selectFrom(v12, v4); v4 = keep;
        keep = lo.selectFrom(v5, v13); v13 = hi.selectFrom(v13, v5); v5 = keep;
        keep = lo.selectFrom(v6, v14); v14 = hi.selectFrom(v14, v6); v6 = keep;
        keep = lo.selectFrom(v7, v15); v15 = hi.selectFrom(v15, v7); v7 = keep;
        // Distance 4: rows r and r + 4 (r & 4 == 0) swap the lanes c with c & 4 != r's.
        lo = FloatVector.fromArray(S, BUTTERFLY, 32);
        hi = FloatVector.fromArray(S, BUTTERFLY, 48);
        keep = lo.selectFrom(v0, v4); v4 = hi.selectFrom(v4, v0); v0 = keep;
        keep = lo.selectFrom(v1, v5); v5 = hi.selectFrom(v5, v1); v1 = keep;
        keep = lo.selectFrom(v2, v6); v6 = hi.selectFrom(v6, v2); v2 = keep;
        keep = lo.selectFrom(v3, v7); v7 = hi.selectFrom(v7, v3); v3 = keep;
        keep = lo.selectFrom(v8, v12); v12 = hi.selectFrom(v12, v8); v8 = keep;
        keep = lo.selectFrom(v9, v13); v13 = hi.selectFrom(v13, v9); v9 = keep;
        keep = lo.selectFrom(v10, v14); v14 = hi.selectFrom(v14, v10); v10 = keep;
        keep = lo.selectFrom(v11, v15); v15 = hi.selectFrom(v15, v11); v11 = keep;
        // Distance 2: rows r and r + 2 (r & 2 == 0) swap the lanes c with c & 2 != r's.
        lo = FloatVector.fromArray(S, BUTTERFLY, 64);
        hi = FloatVector.fromArray(S, BUTTERFLY, 80);
        keep = lo.selectFrom(v0, v2); v2 = hi.selectFrom(v2, v0); v0 = keep;
        keep = lo.selectFrom(v1, v3); v3 = hi.selectFrom(v3, v1); v1 = keep;
        keep = lo.selectFrom(v4, v6); v6 = hi.selectFrom(v6, v4); v4 = keep;
        keep = lo.selectFrom(v5, v7); v7 = hi.selectFrom(v7, v5); v5 = keep;
        keep = lo.selectFrom(v8, v10); v10 = hi.selectFrom(v10, v8); v8 = keep;
        keep = lo.selectFrom(v9, v11); v11 = hi.selectFrom(v11, v9); v9 = keep;
        keep = lo.selectFrom(v12, v14); v14 = hi.selectFrom(v14, v12); v12 = keep;
        keep = lo.selectFrom(v13, v15); v15 = hi.selectFrom(v15, v13); v13 = keep;
        // Distance 1: rows r and r + 1 (r & 1 == 0) swap the lanes c with c & 1 != r's.
        lo = FloatVector.fromArray(S, BUTTERFLY, 96);
        hi = FloatVector.fromArray(S, BUTTERFLY, 112);
        keep = lo.selectFrom(v0, v1); v1 = hi.selectFrom(v1, v0); v0 = keep;
        keep = lo.selectFrom(v2, v3); v3 = hi.selectFrom(v3, v2); v2 = keep;
        keep = lo.selectFrom(v4, v5); v5 = hi.selectFrom(v5, v4); v4 = keep;
        keep = lo.selectFrom(v6, v7); v7 = hi.selectFrom(v7, v6); v6 = keep;
        keep = lo.selectFrom(v8, v9); v9 = hi.selectFrom(v9, v8); v8 = keep;
        keep = lo.selectFrom(v10, v11); v11 = hi.selectFrom(v11, v10); v10 = keep;
        keep = lo.selectFrom(v12, v13); v13 = hi.selectFrom(v13, v12); v12 = keep;
        keep = lo.selectFrom(v14, v15); v15 = hi.selectFrom(v15, v14); v14 = keep;
        v0.intoArray(dst, d);
        v1.intoArray(dst, d + 1 * NR);
        v2.intoArray(dst, d + 2 * NR);
        v3.intoArray(dst, d + 3 * NR);
        v4.intoArray(dst, d + 4 * NR);
        v5.intoArray(dst, d + 5 * NR);
        v6.intoArray(dst, d + 6 * NR);
        v7.intoArray(dst, d + 7 * NR);
        v8.intoArray(dst, d + 8 * NR);
        v9.intoArray(dst, d + 9 * NR);
        v10.intoArray(dst, d + 10 * NR);
        v11.intoArray(dst, d + 11 * NR);
        v12.intoArray(dst, d + 12 * NR);
        v13.intoArray(dst, d + 13 * NR);
        v14.intoArray(dst, d + 14 * NR);
        v15.intoArray(dst, d + 15 * NR);
    }

    /**
     * The register-blocked core: {@code tile[MR×NR] = A[MR×kc] · Bpanel[kc×NR]}, one fused
     * multiply-add chain per element, k in increasing order. Element (r, q) of A is at
     * {@code a[ai + r * lda + q]}: six rows of a row-major A in place, or a packed panel (lda = kc).
     * Row r of the tile goes to {@code out[o + r * ldo...]}: straight into C (the first k block of a
     * full tile without epilogue), or into a tile buffer for {@link #storeTile} (an edge tile); {@link HeadAttention}
     * runs it on an attention head's panels. The six row starts
     * are computed before the loop and k advances by 1, so that the JIT proves every load in bounds
     * once, before the loop: with variable strides it kept a range check per load, and with A
     * interleaved (stride MR along k) C2 compiled the loop to half the speed.
     */
    static void microKernel(float[] a, int ai, int lda, float[] b, int bi, int kc, float[] out, int o, int ldo) {
        int r0 = ai, r1 = ai + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0; q < kc; q++) {
            int y0 = bi + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, y0);
            FloatVector b1 = FloatVector.fromArray(S, b, y0 + VL);
            FloatVector x = FloatVector.broadcast(S, a[r0 + q]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[r1 + q]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[r2 + q]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[r3 + q]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[r4 + q]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[r5 + q]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // Plain stores only: adding the old C here as well (a branch after the loop) measurably
        // slowed the loop itself as C2 compiled it, so full tiles with more to do have their own copy.
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c10.intoArray(out, o + ldo);
        c11.intoArray(out, o + ldo + VL);
        c20.intoArray(out, o + 2 * ldo);
        c21.intoArray(out, o + 2 * ldo + VL);
        c30.intoArray(out, o + 3 * ldo);
        c31.intoArray(out, o + 3 * ldo + VL);
        c40.intoArray(out, o + 4 * ldo);
        c41.intoArray(out, o + 4 * ldo + VL);
        c50.intoArray(out, o + 5 * ldo);
        c51.intoArray(out, o + 5 * ldo + VL);
    }

    /**
     * {@link #microKernel} for a full tile that the epilogue or a later k block (adding the old C)
     * writes without an activation (those go to {@link #storeFullTile}): the same products, then the
     * same operations in the same order as {@link #storeTile} on the accumulators in registers, and
     * one store to C. A second copy of the loop, as the plain kernel must end in plain stores (see
     * there).
     */
    private static void microKernelEpilogue(float[] a, int ai, int lda, float[] b, int bi, int kc, Problem p, int row, int col,
                                            boolean add, Epilogue epilogue) {
        int r0 = ai, r1 = ai + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0; q < kc; q++) {
            int y0 = bi + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, y0);
            FloatVector b1 = FloatVector.fromArray(S, b, y0 + VL);
            FloatVector x = FloatVector.broadcast(S, a[r0 + q]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[r1 + q]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[r2 + q]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[r3 + q]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[r4 + q]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[r5 + q]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        float[] c = p.c;
        int ldc = p.ldc, o = p.cOff + row * ldc + col;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, o));
            c01 = c01.add(FloatVector.fromArray(S, c, o + VL));
            c10 = c10.add(FloatVector.fromArray(S, c, o + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, o + ldc + VL));
            c20 = c20.add(FloatVector.fromArray(S, c, o + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, o + 2 * ldc + VL));
            c30 = c30.add(FloatVector.fromArray(S, c, o + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, o + 3 * ldc + VL));
            c40 = c40.add(FloatVector.fromArray(S, c, o + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, o + 4 * ldc + VL));
            c50 = c50.add(FloatVector.fromArray(S, c, o + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, o + 5 * ldc + VL));
        }
        if (epilogue != null) {
            float[] scale = epilogue.scale();
            if (scale != null) {
                FloatVector s0 = FloatVector.fromArray(S, scale, col), s1 = FloatVector.fromArray(S, scale, col + VL);
                c00 = c00.mul(s0);
                c01 = c01.mul(s1);
                c10 = c10.mul(s0);
                c11 = c11.mul(s1);
                c20 = c20.mul(s0);
                c21 = c21.mul(s1);
                c30 = c30.mul(s0);
                c31 = c31.mul(s1);
                c40 = c40.mul(s0);
                c41 = c41.mul(s1);
                c50 = c50.mul(s0);
                c51 = c51.mul(s1);
            }
            float[] bias = epilogue.bias();
            if (bias != null) {
                FloatVector s0 = FloatVector.fromArray(S, bias, col), s1 = FloatVector.fromArray(S, bias, col + VL);
                c00 = c00.add(s0);
                c01 = c01.add(s1);
                c10 = c10.add(s0);
                c11 = c11.add(s1);
                c20 = c20.add(s0);
                c21 = c21.add(s1);
                c30 = c30.add(s0);
                c31 = c31.add(s1);
                c40 = c40.add(s0);
                c41 = c41.add(s1);
                c50 = c50.add(s0);
                c51 = c51.add(s1);
            }
            float[] residual = epilogue.residual();
            int ldr = epilogue.ldr(), ri = residual == null ? 0 : epilogue.residualOff() + row * ldr + col;
            if (residual != null) {
                c00 = c00.add(FloatVector.fromArray(S, residual, ri));
                c01 = c01.add(FloatVector.fromArray(S, residual, ri + VL));
                c10 = c10.add(FloatVector.fromArray(S, residual, ri + ldr));
                c11 = c11.add(FloatVector.fromArray(S, residual, ri + ldr + VL));
                c20 = c20.add(FloatVector.fromArray(S, residual, ri + 2 * ldr));
                c21 = c21.add(FloatVector.fromArray(S, residual, ri + 2 * ldr + VL));
                c30 = c30.add(FloatVector.fromArray(S, residual, ri + 3 * ldr));
                c31 = c31.add(FloatVector.fromArray(S, residual, ri + 3 * ldr + VL));
                c40 = c40.add(FloatVector.fromArray(S, residual, ri + 4 * ldr));
                c41 = c41.add(FloatVector.fromArray(S, residual, ri + 4 * ldr + VL));
                c50 = c50.add(FloatVector.fromArray(S, residual, ri + 5 * ldr));
                c51 = c51.add(FloatVector.fromArray(S, residual, ri + 5 * ldr + VL));
            }
            if (epilogue.relu()) {
                // As Relu: everything not above zero (NaN and -0 included) becomes +0.
                FloatVector zero = FloatVector.zero(S);
                c00 = zero.blend(c00, c00.compare(VectorOperators.GT, 0f));
                c01 = zero.blend(c01, c01.compare(VectorOperators.GT, 0f));
                c10 = zero.blend(c10, c10.compare(VectorOperators.GT, 0f));
                c11 = zero.blend(c11, c11.compare(VectorOperators.GT, 0f));
                c20 = zero.blend(c20, c20.compare(VectorOperators.GT, 0f));
                c21 = zero.blend(c21, c21.compare(VectorOperators.GT, 0f));
                c30 = zero.blend(c30, c30.compare(VectorOperators.GT, 0f));
                c31 = zero.blend(c31, c31.compare(VectorOperators.GT, 0f));
                c40 = zero.blend(c40, c40.compare(VectorOperators.GT, 0f));
                c41 = zero.blend(c41, c41.compare(VectorOperators.GT, 0f));
                c50 = zero.blend(c50, c50.compare(VectorOperators.GT, 0f));
                c51 = zero.blend(c51, c51.compare(VectorOperators.GT, 0f));
            }
        }
        c00.intoArray(c, o);
        c01.intoArray(c, o + VL);
        c10.intoArray(c, o + ldc);
        c11.intoArray(c, o + ldc + VL);
        c20.intoArray(c, o + 2 * ldc);
        c21.intoArray(c, o + 2 * ldc + VL);
        c30.intoArray(c, o + 3 * ldc);
        c31.intoArray(c, o + 3 * ldc + VL);
        c40.intoArray(c, o + 4 * ldc);
        c41.intoArray(c, o + 4 * ldc + VL);
        c50.intoArray(c, o + 5 * ldc);
        c51.intoArray(c, o + 5 * ldc + VL);
    }

    /**
     * {@link #storeTile} for a whole tile with an activation: no masks, and two plain passes. The
     * first adds the old C, scale and bias into the tile, the activation then runs once over the
     * whole tile, and the second adds the residual, applies ReLU and writes C. Not in registers
     * ({@link #microKernelEpilogue}): per vector there, C2's node budget for that large method left
     * the activation's own calls uninlined, each vector boxed on the heap (0.9× the speed).
     */
    private static void storeFullTile(float[] tile, Problem p, int row, int col, boolean add, Epilogue epilogue) {
        float[] c = p.c, bias = epilogue == null ? null : epilogue.bias();
        float[] residual = epilogue == null ? null : epilogue.residual();
        float[] scale = epilogue == null ? null : epilogue.scale();
        boolean relu = epilogue != null && epilogue.relu();
        int c0 = p.cOff + row * p.ldc + col;
        if (add || scale != null || bias != null) {
            for (int r = 0, ci = c0; r < MR; r++, ci += p.ldc) {
                for (int v = 0; v < NR; v += VL) {
                    FloatVector x = FloatVector.fromArray(S, tile, r * NR + v);
                    if (add) {
                        x = x.add(FloatVector.fromArray(S, c, ci + v));
                    }
                    if (scale != null) {
                        x = x.mul(FloatVector.fromArray(S, scale, col + v));
                    }
                    if (bias != null) {
                        x = x.add(FloatVector.fromArray(S, bias, col + v));
                    }
                    x.intoArray(tile, r * NR + v);
                }
            }
        }
        if (epilogue != null && epilogue.gelu() != null) {
            VectorMath.gelu(epilogue.gelu(), tile, 0, tile, 0, MR * NR);
        }
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0, ci = c0; r < MR; r++, ci += p.ldc) {
            int ri = residual == null ? 0 : epilogue.residualOff() + (row + r) * epilogue.ldr() + col;
            for (int v = 0; v < NR; v += VL) {
                FloatVector x = FloatVector.fromArray(S, tile, r * NR + v);
                if (residual != null) {
                    x = x.add(FloatVector.fromArray(S, residual, ri + v));
                }
                if (relu) {
                    x = zero.blend(x, x.compare(VectorOperators.GT, 0f));
                }
                x.intoArray(c, ci + v);
            }
        }
    }

    /**
     * Writes the valid {@code rows×cols} corner of a tile into C at {@code (row, col)}: adds the
     * old C when {@code add}, then applies the epilogue (null on all but the last k block) in the
     * order its record documents. For edge tiles (full ones go to {@link #microKernelEpilogue}
     * and {@link #storeFullTile}); only a vector narrower than VL (a tile is two vectors wide) is
     * masked. One pass over the tile, two with an activation (which works on the tile row
     * in place). Vectors never cross a method boundary: one passed to or returned from a method the
     * JIT declines to inline is boxed on the heap.
     */
    private static void storeTile(float[] tile, Problem p, int row, int col, int rows, int cols,
                                  boolean add, Epilogue epilogue) {
        float[] c = p.c, bias = epilogue == null ? null : epilogue.bias();
        float[] residual = epilogue == null ? null : epilogue.residual();
        float[] scale = epilogue == null ? null : epilogue.scale();
        Gelu kind = epilogue == null ? null : epilogue.gelu();
        boolean gelu = kind != null, relu = epilogue != null && epilogue.relu();
        FloatVector zero = FloatVector.zero(S);
        // Masks for the two vectors of a row, null where the vector is whole (always, in a full tile).
        VectorMask<Float> mask0 = null, mask1 = null;
        if (cols < NR) {
            mask0 = cols < VL ? S.indexInRange(0, cols) : null;
            mask1 = S.indexInRange(VL, cols);
        }
        for (int r = 0; r < rows; r++) {
            int ci = p.cOff + (row + r) * p.ldc + col, ti = r * NR;
            int ri = residual == null ? 0 : epilogue.residualOff() + (row + r) * epilogue.ldr() + col;
            for (int pass = gelu ? 0 : 1; pass < 2; pass++) {
                if (pass == 1 && gelu) {
                    VectorMath.gelu(kind, tile, ti, tile, ti, cols);
                }
                for (int v = 0; v < cols; v += VL) {
                    VectorMask<Float> part = v == 0 ? mask0 : mask1;
                    FloatVector x = FloatVector.fromArray(S, tile, ti + v);
                    if (pass == 0 || !gelu) {
                        // The sum, scale and bias (before the activation, which comes between the passes).
                        if (add) {
                            x = x.add(part == null ? FloatVector.fromArray(S, c, ci + v) : FloatVector.fromArray(S, c, ci + v, part));
                        }
                        if (scale != null) {
                            x = x.mul(part == null ? FloatVector.fromArray(S, scale, col + v)
                                    : FloatVector.fromArray(S, scale, col + v, part));
                        }
                        if (bias != null) {
                            x = x.add(part == null ? FloatVector.fromArray(S, bias, col + v)
                                    : FloatVector.fromArray(S, bias, col + v, part));
                        }
                        if (pass == 0) {
                            x.intoArray(tile, ti + v);
                            continue;
                        }
                    }
                    if (residual != null) {
                        x = x.add(part == null ? FloatVector.fromArray(S, residual, ri + v)
                                : FloatVector.fromArray(S, residual, ri + v, part));
                    }
                    if (relu) {
                        // As Relu: everything not above zero (NaN and -0 included) becomes +0.
                        x = zero.blend(x, x.compare(VectorOperators.GT, 0f));
                    }
                    if (part == null) {
                        x.intoArray(c, ci + v);
                    } else {
                        // Through the tile row: a masked store reaching past the end of C (the last
                        // rows of a small product) takes the Vector API's slow per-lane path.
                        x.intoArray(tile, ti + v);
                        System.arraycopy(tile, ti + v, c, ci + v, cols - v);
                    }
                }
            }
        }
    }
}
