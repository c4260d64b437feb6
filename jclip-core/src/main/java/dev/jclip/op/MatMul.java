package dev.jclip.op;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Batched matrix product with optional transposes, as {@code torch.matmul} on equal batch dims. */
public final class MatMul {
    private MatMul() {}

    /**
     * {@code op(a) · op(b)} for every entry of the leading (batch) dimensions, where
     * {@code op} transposes the last two dimensions when its flag is set: for
     * attention {@code matmul(q, false, k, true)}, for logits {@code matmul(img, false, txt, true)}.
     *
     * @param a {@code [..., m, k]}, or {@code [..., k, m]} when {@code transA}
     * @param b {@code [..., k, n]}, or {@code [..., n, k]} when {@code transB}
     * @return {@code [..., m, n]}
     */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int r = a.rank();
        if (r < 2 || b.rank() != r || !Arrays.equals(a.shape(), 0, r - 2, b.shape(), 0, r - 2)) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " need rank >= 2 and equal leading dimensions");
        }
        int aRows = a.dim(-2), aCols = a.dim(-1), bRows = b.dim(-2), bCols = b.dim(-1);
        int m = transA ? aCols : aRows, k = transA ? aRows : aCols;
        int n = transB ? bRows : bCols, kb = transB ? bCols : bRows;
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + Arrays.toString(b.shape()) + (transB ? "ᵀ" : ""));
        }
        int[] shape = a.shape();
        shape[r - 2] = m;
        shape[r - 1] = n;
        int size = Tensor.checkedNumel(shape);
        float[] c = k == 0 ? Workspace.zeros(size) : Workspace.floats(size);   // the GEMM writes every element unless k is 0
        int batch = 1;
        for (int i = 0; i < r - 2; i++) {
            batch *= a.dim(i);
        }
        // b may be a mapped weight (a projection): read through its storage, copied only for backward.
        float[] ad = a.data();
        MemorySegment bs = b.storage();
        int aSize = m * k, bSize = k * n, cSize = m * n;
        for (int i = 0; i < batch; i++) {
            Gemm.sgemm(m, n, k, Operand.of(ad, i * aSize, aCols).transposed(transA),
                    Operand.of(bs, i * bSize, bCols).transposed(transB),
                    c, i * cSize, n, false, null);
        }
        final int batches = batch;
        return Tensor.result(c, shape, o -> {
            float[] g = o.grad(), bd = b.data();
            for (int i = 0; i < batches; i++) {
                int aOff = i * aSize, bOff = i * bSize, gOff = i * cSize;
                if (a.requiresGrad()) {
                    float[] ga = a.gradForAccumulation();
                    if (transA) {
                        // a holds op(a)ᵀ [k×m]: da += op(b) · gᵀ
                        Gemm.sgemm(k, m, n, Operand.of(bd, bOff, bCols).transposed(transB), Operand.of(g, gOff, n).t(),
                                ga, aOff, aCols, true, null);
                    } else {
                        // da [m×k] += g · op(b)ᵀ
                        Gemm.sgemm(m, k, n, Operand.of(g, gOff, n), Operand.of(bd, bOff, bCols).transposed(!transB),
                                ga, aOff, aCols, true, null);
                    }
                }
                if (b.requiresGrad()) {
                    float[] gb = b.gradForAccumulation();
                    if (transB) {
                        // b holds op(b)ᵀ [n×k]: db += gᵀ · op(a)
                        Gemm.sgemm(n, k, m, Operand.of(g, gOff, n).t(), Operand.of(ad, aOff, aCols).transposed(transA),
                                gb, bOff, bCols, true, null);
                    } else {
                        // db [k×n] += op(a)ᵀ · g
                        Gemm.sgemm(k, n, m, Operand.of(ad, aOff, aCols).transposed(!transA), Operand.of(g, gOff, n),
                                gb, bOff, bCols, true, null);
                    }
                }
            }
        }, a, b);
    }
}
