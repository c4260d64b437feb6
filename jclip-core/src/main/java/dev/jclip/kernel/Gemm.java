package dev.jclip.kernel;

/**
 * Single-precision matrix multiply on row-major arrays:
 * {@code C[m×n] = op(A)[m×k] · op(B)[k×n] (+ C if accumulate)}, where
 * {@code op(X)} is X or its transpose. {@code lda/ldb/ldc} are row strides of
 * the arrays as stored (so a transposed A is stored k×m with stride lda).
 *
 * <p>Each output element is reduced over k in one fixed order whatever the
 * thread count, so results are bit-identical for 1 and N threads.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + acc : acc;
            }
        }
    }
}
