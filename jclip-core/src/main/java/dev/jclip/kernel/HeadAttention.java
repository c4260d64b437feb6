package dev.jclip.kernel;

import java.util.Arrays;

/**
 * Scaled dot-product attention of one head over one sequence, {@code softmax(q·kᵀ·scale + mask)·v},
 * a panel of {@link Gemm#MR} queries at a time on {@link Gemm}'s micro-kernel, each panel looking
 * only at the keys up to the last one any of its queries sees (under a causal mask, about half).
 * The same bits as the two products through {@link Gemm#sgemm} with {@link Rows#softmax} between
 * them over the whole sequence: each score is Gemm's chain of multiply-adds over the head's
 * dimensions, each output its chain over the keys, in the k blocks Gemm splits the sequence into;
 * a key a panel leaves out has probability exactly 0 there, so its multiply-add changes nothing.
 */
public final class HeadAttention {
    private HeadAttention() {}

    /** Per thread: the packed keys, the packed values, a panel's scores, a partial panel of queries, a tile. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {
        new float[0], new float[0], new float[0], new float[0], new float[Gemm.MR * Gemm.NR]});

    /**
     * One head over {@code l} tokens: queries, keys and values are rows {@code ld} apart from
     * {@code q}, {@code k} and {@code v} of {@code x}, {@code hd} floats each; query i looks at its
     * first {@code min(seen[i], l)} keys (at least one), with scores times {@code scale} plus row i
     * of {@code mask} ({@code maskStride} apart; null for none). The outputs go to rows {@code ldo}
     * apart from {@code o} of {@code out}.
     */
    public static void forward(float[] x, int q, int k, int v, int ld, int l, int hd, float scale,
                               float[] mask, int maskStride, int[] seen, float[] out, int o, int ldo) {
        int mr = Gemm.MR, nr = Gemm.NR;
        int keyPanels = Math.ceilDiv(l, nr), lp = keyPanels * nr, dimPanels = Math.ceilDiv(hd, nr);
        float[][] scratch = SCRATCH.get();
        float[] keys = Gemm.packB(Operand.of(x, k, ld).t(), hd, l, Gemm.grow(scratch, 0, hd * lp)).data;
        float[] values = Gemm.grow(scratch, 1, l * dimPanels * nr);
        float[] scores = Gemm.grow(scratch, 2, mr * lp);
        float[] tail = Gemm.grow(scratch, 3, mr * hd);
        float[] tile = scratch[4];
        packValues(x, v, ld, l, hd, values);
        int kcQ = Gemm.blockDepth(hd), kcV = Gemm.blockDepth(l);
        for (int i0 = 0; i0 < l; i0 += mr) {
            int rows = Math.min(mr, l - i0), cols = 0;
            for (int i = i0; i < i0 + rows; i++) {
                cols = Math.max(cols, Math.min(seen[i], l));
            }
            // scores [MR × cols] = q · kᵀ, a partial panel of queries zero-padded to MR rows
            float[] a = x;
            int ai = q + i0 * ld, lda = ld;
            if (rows < mr) {
                for (int r = 0; r < mr; r++) {
                    if (r < rows) {
                        System.arraycopy(x, ai + r * ld, tail, r * hd, hd);
                    } else {
                        Arrays.fill(tail, r * hd, (r + 1) * hd, 0f);
                    }
                }
                a = tail;
                ai = 0;
                lda = hd;
            }
            for (int col = 0; col < cols; col += nr) {
                for (int p0 = 0; p0 < hd; p0 += kcQ) {
                    int kc = Math.min(kcQ, hd - p0), bi = PackedB.offset(p0, kc, col, keyPanels);
                    if (p0 == 0) {
                        Gemm.microKernel(a, ai + p0, lda, keys, bi, kc, scores, col, lp);
                    } else {
                        Gemm.microKernel(a, ai + p0, lda, keys, bi, kc, tile, 0, nr);
                        writeTile(tile, mr, nr, true, scores, col, lp);
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                int i = i0 + r, n = Math.min(seen[i], l);
                Rows.softmax(scores, r * lp, n, scale, mask, i * maskStride);
                Arrays.fill(scores, r * lp + n, r * lp + cols, 0f);
            }
            // out [rows × hd] = P · v over keys 0..cols-1, in the sequence's k blocks
            for (int e0 = 0; e0 < hd; e0 += nr) {
                int width = Math.min(nr, hd - e0), at = o + i0 * ldo + e0;
                boolean direct = rows == mr && width == nr;
                for (int p0 = 0; p0 < cols; p0 += kcV) {
                    int kc = Math.min(kcV, cols - p0), bi = e0 * l + p0 * nr;
                    if (p0 == 0 && direct) {
                        Gemm.microKernel(scores, p0, lp, values, bi, kc, out, at, ldo);
                    } else {
                        Gemm.microKernel(scores, p0, lp, values, bi, kc, tile, 0, nr);
                        writeTile(tile, rows, width, p0 > 0, out, at, ldo);
                    }
                }
            }
        }
    }

    /**
     * v [l × hd] into panels of NR columns, each all l rows of NR floats (zero past column hd), so
     * that any run of keys is contiguous in a panel. A plain copy of each row's NR floats:
     * {@link Gemm#packB}'s general path made a head's attention about 5% slower here.
     */
    private static void packValues(float[] x, int v, int ld, int l, int hd, float[] values) {
        int nr = Gemm.NR;
        for (int e0 = 0; e0 < hd; e0 += nr) {
            int width = Math.min(nr, hd - e0);
            for (int j = 0; j < l; j++) {
                int d = e0 * l + j * nr;
                System.arraycopy(x, v + j * ld + e0, values, d, width);
                if (width < nr) {
                    Arrays.fill(values, d + width, d + nr, 0f);
                }
            }
        }
    }

    /**
     * The {@code rows × cols} corner of an MR×NR tile into {@code c[o..]}, rows {@code ldc} apart:
     * {@code tile + c} when {@code add} (Gemm's sum of a later k block), else the tile.
     */
    private static void writeTile(float[] tile, int rows, int cols, boolean add, float[] c, int o, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float t = tile[r * Gemm.NR + j];
                c[o + r * ldc + j] = add ? t + c[o + r * ldc + j] : t;
            }
        }
    }
}
