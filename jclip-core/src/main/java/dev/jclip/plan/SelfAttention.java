package dev.jclip.plan;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import dev.jclip.kernel.Rows;
import dev.jclip.op.Attention;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * {@link Attention#forward} for inference, skipping the keys a mask hides at the end of each
 * row: under a causal mask, query i sees keys 0..i, so a block of queries computes scores
 * against, and sums values of, the keys up to its last query's only (about half of the
 * products at CLIP's 77 tokens). The same bits as {@link Attention#forward}: a hidden key's
 * probability there is exactly 0, so the softmax's maximum and sum, and each output's chain of
 * multiply-adds, are unchanged by leaving it out (the GEMM reduces every element in k order).
 */
final class SelfAttention {
    /** Queries per block under a mask: small enough to skip most hidden keys, large enough for the GEMM. */
    static final int ROWS = 16;

    private SelfAttention() {}

    /**
     * {@link Attention#forward(Tensor, int, Tensor, Sequences)}: the sequences {@code seqs} laid end
     * to end in {@code qkv} [N, 3D], each attending to itself; {@code mask} [M, M] (M at least the
     * longest sequence, which takes its top-left block) or null -> [N, D], in an array from {@code buffers}.
     */
    static Tensor forward(Tensor qkv, int heads, Tensor mask, Sequences seqs, Buffers buffers) {
        int n = seqs.rows(), d3 = qkv.dim(1), d = d3 / 3, hd = d / heads, longest = seqs.maxLength();
        if (qkv.dim(0) != n || mask != null && (mask.rank() != 2 || mask.dim(0) < longest || mask.dim(1) < longest)) {
            throw new IllegalArgumentException("attention: " + qkv.dim(0) + " tokens for sequences of " + n
                    + " in all, mask " + (mask == null ? "none" : Arrays.toString(mask.shape())));
        }
        float scale = (float) (1.0 / Math.sqrt(hd));
        int mStride = mask == null ? 0 : mask.dim(1);
        float[] x = qkv.data(), m = mask == null ? null : mask.data(), out = buffers.take(Tensor.checkedNumel(n, d));
        int[] seenInLongest = visibleKeys(m, longest, mStride);
        Parallel.forEach(seqs.count() * heads, t -> {
            int s = t / heads, h = t % heads, l = seqs.length(s), row = seqs.start(s), block = m == null ? l : ROWS;
            int q = row * d3 + h * hd, o = row * d + h * hd;
            float[] p = scratch(SCORES, l * l);
            // kᵀ packed once for the head: each block of queries reads the panels of its keys (a head
            // of at most 512 columns, one block of k as Gemm splits it, always in CLIP).
            PackedB keys = hd <= 512
                    ? Gemm.packB(Operand.of(x, q + d, d3).t(), hd, l, scratch(KEYS, (int) (PackedB.bytes(hd, l) / Float.BYTES)))
                    : null;
            for (int i0 = 0; i0 < l; i0 += block) {
                int rows = Math.min(block, l - i0), cols = 0;
                for (int i = i0; i < i0 + rows; i++) {
                    cols = Math.max(cols, seen(seenInLongest, i, l));
                }
                // scores [rows×cols] = q · kᵀ, scaled inside the softmax; hidden keys of a row get 0
                Operand seenKeys = keys != null ? Operand.of(keys.firstColumns(cols)) : Operand.of(x, q + d, d3).t();
                Gemm.sgemm(rows, cols, hd, Operand.of(x, q + i0 * d3, d3), seenKeys, p, i0 * l, l, false, null);
                for (int i = i0; i < i0 + rows; i++) {
                    int seen = seen(seenInLongest, i, l);
                    Rows.softmax(p, i * l, seen, scale, m, i * mStride);
                    Arrays.fill(p, i * l + seen, i * l + cols, 0f);
                }
                // out[sequence rows, head columns] = P · v
                Gemm.sgemm(rows, hd, cols, Operand.of(p, i0 * l, l), Operand.of(x, q + 2 * d, d3), out, o + i0 * d, d, false, null);
            }
        });
        return Tensor.of(out, n, d);
    }

    /**
     * Keys query i of a sequence of length l looks at: those the mask's row shows up to its last
     * visible key, within the sequence (keys past the last visible one within l are hidden too,
     * and their probability is exactly 0 either way).
     */
    private static int seen(int[] seenInLongest, int i, int l) {
        return Math.min(seenInLongest[i], l);
    }

    /** Per thread, the scores of one head: every element read is written first, so it is reused. */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread, the packed keys of one head, used only while that head runs. */
    private static final ThreadLocal<float[]> KEYS = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's array {@code held} of at least {@code size} floats. */
    private static float[] scratch(ThreadLocal<float[]> held, int size) {
        float[] array = held.get();
        if (array.length < size) {
            array = new float[size];
            held.set(array);
        }
        return array;
    }

    /**
     * For each of the first {@code l} queries, how many keys from the first it must look at: up to
     * its last key (of the first {@code l}) the mask, rows {@code stride} apart, does not hide
     * (−inf), at least 1 (a row hidden entirely stays NaN, as in the full softmax).
     */
    static int[] visibleKeys(float[] mask, int l, int stride) {
        int[] seen = new int[l];
        for (int i = 0; i < l; i++) {
            int n = l;
            while (mask != null && n > 1 && mask[i * stride + n - 1] == Float.NEGATIVE_INFINITY) {
                n--;
            }
            seen[i] = n;
        }
        return seen;
    }
}
