package dev.jclip.plan;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.HeadAttention;
import dev.jclip.op.Attention;
import dev.jclip.op.Sequences;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * {@link Attention#forward} for inference, skipping the keys a mask hides at the end of each
 * row: under a causal mask, query i sees keys 0..i, so a panel of queries computes scores
 * against, and sums values of, the keys up to its last query's only (about half of the
 * products at CLIP's 77 tokens). The same bits as {@link Attention#forward}: a hidden key's
 * probability there is exactly 0, so the softmax's maximum and sum, and each output's chain of
 * multiply-adds, are unchanged by leaving it out ({@link HeadAttention}).
 */
final class SelfAttention {
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
            int s = t / heads, h = t % heads, row = seqs.start(s), q = row * d3 + h * hd;
            HeadAttention.forward(x, q, q + d, q + 2 * d, d3, seqs.length(s), hd, scale, m, mStride, seenInLongest,
                    out, row * d + h * hd, d);
        });
        return Tensor.of(out, n, d);
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
