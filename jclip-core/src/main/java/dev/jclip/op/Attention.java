package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Rows;
import dev.jclip.kernel.RowsGrad;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Multi-head scaled dot-product self-attention on the packed input projection of
 * {@code torch.nn.MultiheadAttention}: {@code qkv} [B, L, 3D] holds, for each token,
 * q (the heads side by side), then k, then v. For head h with {@code hd = D / heads},
 * {@code out[b, i, h·hd + c] = Σ_j P[i, j] · v[b, j, h·hd + c]} with
 * {@code P = softmax(q·kᵀ·hd^-0.5 + mask)} over j.
 *
 * <p>The same holds for {@link Sequences} of different lengths laid end to end in
 * {@code qkv} [N, 3D]: a token attends to the tokens of its own sequence only, and a sequence of
 * length L takes the top-left L×L block of the mask (for the causal mask, the causal mask of L).
 *
 * <p>Each (sequence, head) pair is one task on the {@link Parallel} pool that reads its
 * q, k and v columns in place with strided GEMMs and writes its own columns of the
 * output, so no head is ever copied out (PyTorch's permutes) and the result does not
 * depend on the thread count. The probabilities are kept for backward only when a
 * gradient is needed; inference, and backward's score gradients, use one L×L scratch matrix per thread.
 */
public final class Attention {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private Attention() {}

    /**
     * @param qkv   {@code [B, L, 3D]}, the output of the packed q/k/v projection
     * @param heads number of heads, dividing D
     * @param mask  {@code [L, L]} added to the scaled scores (−inf hides a key), or null; constant
     * @return {@code [B, L, D]}, the heads merged back side by side
     */
    public static Tensor forward(Tensor qkv, int heads, Tensor mask) {
        checkBatch(qkv, mask);
        int b = qkv.dim(0), l = qkv.dim(1), d3 = qkv.dim(2);
        return forward(qkv.reshape(b * l, d3), heads, mask, Sequences.uniform(b, l)).reshape(b, l, d3 / 3);
    }

    /**
     * Attention within each of the sequences {@code seqs} laid end to end in {@code qkv}.
     *
     * @param qkv   {@code [N, 3D]}, N = {@code seqs.rows()}
     * @param mask  {@code [M, M]} with M ≥ the longest sequence, or null; constant
     * @return {@code [N, D]}
     */
    public static Tensor forward(Tensor qkv, int heads, Tensor mask, Sequences seqs) {
        check(qkv, heads, mask, seqs);
        int d3 = qkv.dim(1), d = d3 / 3, hd = d / heads, mStride = mask == null ? 0 : mask.dim(1);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] x = qkv.data(), m = mask == null ? null : mask.data();
        float[] out = Workspace.floats(Tensor.checkedNumel(seqs.rows(), d));   // every element is written
        boolean keep = Tensor.needsGrad(qkv);
        int[] pStart = keep ? probabilityStarts(seqs, heads) : null;
        float[] probs = keep ? Workspace.floats(pStart[seqs.count()]) : null;
        Parallel.forEach(seqs.count() * heads, t -> {
            int s = t / heads, h = t % heads, l = seqs.length(s), row = seqs.start(s);
            int q = row * d3 + h * hd;    // q of (sequence, head); k at q + D, v at q + 2D
            float[] p = keep ? probs : scratch(l * l);
            int pOff = keep ? pStart[s] + h * l * l : 0;
            // scores [L×L] = q · kᵀ, scaled inside the softmax
            Gemm.sgemm(l, l, hd, Operand.of(x, q, d3), Operand.of(x, q + d, d3).t(), p, pOff, l, false, null);
            for (int i = 0; i < l; i++) {
                Rows.softmax(p, pOff + i * l, l, scale, m, i * mStride);
            }
            // out[sequence rows, head columns] = P · v
            Gemm.sgemm(l, hd, l, Operand.of(p, pOff, l), Operand.of(x, q + 2 * d, d3), out, row * d + h * hd, d, false, null);
        });
        return Tensor.result(out, new int[] {seqs.rows(), d}, o -> {
            float[] g = o.grad(), gx = qkv.gradForAccumulation();
            Parallel.forEach(seqs.count() * heads, t -> {
                int s = t / heads, h = t % heads, l = seqs.length(s), row = seqs.start(s);
                int q = row * d3 + h * hd, go = row * d + h * hd, pOff = pStart[s] + h * l * l;
                // dv [L×hd] += Pᵀ · dout
                Gemm.sgemm(l, hd, l, Operand.of(probs, pOff, l).t(), Operand.of(g, go, d), gx, q + 2 * d, d3, true, null);
                // dP [L×L] = dout · vᵀ
                float[] ds = scratch(l * l);
                Gemm.sgemm(l, l, hd, Operand.of(g, go, d), Operand.of(x, q + 2 * d, d3).t(), ds, 0, l, false, null);
                // Through softmax and the scale: dS = scale · P ⊙ (dP − Σ_j dP·P).
                for (int i = 0; i < l; i++) {
                    RowsGrad.softmax(probs, pOff + i * l, ds, i * l, l, scale);
                }
                // dq += dS · k, dk += dSᵀ · q
                Gemm.sgemm(l, hd, l, Operand.of(ds, 0, l), Operand.of(x, q + d, d3), gx, q, d3, true, null);
                Gemm.sgemm(l, hd, l, Operand.of(ds, 0, l).t(), Operand.of(x, q, d3), gx, q + d, d3, true, null);
            });
        }, qkv);
    }

    /**
     * The output of one token per sequence: row b is token {@code at[b]} of sequence b exactly
     * as {@link #forward} computes it (same bits), its query attending to all L keys under row
     * {@code at[b]} of the mask. A pooled feature (the class token, the end-of-text token) needs
     * nothing else from an encoder's last block, so its query, output projection and MLP can
     * run on these rows alone.
     *
     * @param qkv {@code [B, L, 3D]}
     * @param at  position of the wanted token in each of the B sequences
     * @return {@code [B, D]}
     */
    public static Tensor forwardAt(Tensor qkv, int heads, Tensor mask, int[] at) {
        checkBatch(qkv, mask);
        int b = qkv.dim(0), l = qkv.dim(1);
        return forwardAt(qkv.reshape(b * l, qkv.dim(2)), heads, mask, Sequences.uniform(b, l), at);
    }

    /**
     * {@link #forwardAt(Tensor, int, Tensor, int[])} for the sequences {@code seqs} laid end to end
     * in {@code qkv} [N, 3D]: row s of the [S, D] result is token {@code at[s]} of sequence s, with
     * the same bits as {@link #forward(Tensor, int, Tensor, Sequences)} gives it.
     */
    public static Tensor forwardAt(Tensor qkv, int heads, Tensor mask, Sequences seqs, int[] at) {
        check(qkv, heads, mask, seqs);
        int[] pos = positions(seqs, at);
        return forwardAt(qkv, s -> seqs.start(s) + pos[s], qkv, qkv.dim(1) / 3, qkv.dim(1) / 3, heads, mask, seqs, pos);
    }

    /**
     * {@link #forwardAt(Tensor, int, Tensor, Sequences, int[])} with the queries apart: row s of
     * {@code q} [S, D] is the query of token {@code at[s]} of sequence s, and {@code kv} [N, 2D] holds
     * every token's key, then value. Only the wanted tokens' queries are needed, so the caller
     * projects those rows alone; the result has the same bits.
     */
    public static Tensor forwardAt(Tensor q, Tensor kv, int heads, Tensor mask, Sequences seqs, int[] at) {
        if (q.rank() != 2 || kv.rank() != 2 || kv.dim(1) != 2 * q.dim(1) || q.dim(0) != seqs.count() || heads <= 0
                || q.dim(1) % heads != 0) {
            throw new IllegalArgumentException("attention: queries must be [S, D] with D divisible into " + heads
                    + " heads and keys with values [N, 2D] for " + seqs.count() + " sequences, got "
                    + Arrays.toString(q.shape()) + " and " + Arrays.toString(kv.shape()));
        }
        checkSequences(kv, mask, seqs);
        int[] pos = positions(seqs, at);
        return forwardAt(q, s -> s, kv, 0, q.dim(1), heads, mask, seqs, pos);
    }

    /**
     * Query row {@code qRow(s)} of {@code q} (columns [0, D)) attends to the keys at column
     * {@code kCol} of the rows of sequence s in {@code kv} and to their values D columns further.
     */
    private static Tensor forwardAt(Tensor q, IntUnaryOperator qRow, Tensor kv, int kCol, int d, int heads, Tensor mask,
                                   Sequences seqs, int[] pos) {
        int n = seqs.count(), hd = d / heads, ldq = q.dim(1), ldkv = kv.dim(1), mStride = mask == null ? 0 : mask.dim(1);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] xq = q.data(), xkv = kv.data(), m = mask == null ? null : mask.data();
        float[] out = Workspace.floats(Tensor.checkedNumel(n, d));
        Tensor[] inputs = q == kv ? new Tensor[] {q} : new Tensor[] {q, kv};
        boolean keep = Tensor.needsGrad(inputs);
        // the probabilities of sequence s, head h: L scores at heads·start(s) + h·L
        float[] probs = keep ? Workspace.floats(Tensor.checkedNumel(heads, seqs.rows())) : null;
        Parallel.forEach(n * heads, t -> {
            int s = t / heads, h = t % heads, l = seqs.length(s), row = seqs.start(s);
            int qi = qRow.applyAsInt(s) * ldq + h * hd, k = row * ldkv + kCol + h * hd;
            float[] p = keep ? probs : scratch(l);
            int pOff = keep ? heads * row + h * l : 0;
            // scores [1×L] = q · kᵀ, scaled inside the softmax; out[s, head columns] = p · v
            Gemm.sgemm(1, l, hd, Operand.of(xq, qi, ldq), Operand.of(xkv, k, ldkv).t(), p, pOff, l, false, null);
            Rows.softmax(p, pOff, l, scale, m, pos[s] * mStride);
            Gemm.sgemm(1, hd, l, Operand.of(p, pOff, l), Operand.of(xkv, k + d, ldkv), out, s * d + h * hd, d, false, null);
        });
        return Tensor.result(out, new int[] {n, d}, o -> {
            float[] g = o.grad();
            float[] gq = q.requiresGrad() ? q.gradForAccumulation() : null;
            float[] gkv = q == kv ? gq : kv.requiresGrad() ? kv.gradForAccumulation() : null;
            Parallel.forEach(n * heads, t -> {
                int s = t / heads, h = t % heads, l = seqs.length(s), row = seqs.start(s);
                int qi = qRow.applyAsInt(s) * ldq + h * hd, k = row * ldkv + kCol + h * hd;
                int go = s * d + h * hd, pOff = heads * row + h * l;
                if (gkv != null) {
                    // dv [L×hd] += pᵀ · dout
                    Gemm.sgemm(l, hd, 1, Operand.of(probs, pOff, l).t(), Operand.of(g, go, d), gkv, k + d, ldkv, true, null);
                }
                // dp [1×L] = dout · vᵀ, then through softmax and the scale: ds = scale · p ⊙ (dp − dp·p)
                float[] ds = scratch(l);
                Gemm.sgemm(1, l, hd, Operand.of(g, go, d), Operand.of(xkv, k + d, ldkv).t(), ds, 0, l, false, null);
                RowsGrad.softmax(probs, pOff, ds, 0, l, scale);
                // dq += ds · k, dk += dsᵀ · q
                if (gq != null) {
                    Gemm.sgemm(1, hd, l, Operand.of(ds, 0, l), Operand.of(xkv, k, ldkv), gq, qi, ldq, true, null);
                }
                if (gkv != null) {
                    Gemm.sgemm(l, hd, 1, Operand.of(ds, 0, l).t(), Operand.of(xq, qi, ldq), gkv, k, ldkv, true, null);
                }
            });
        }, inputs);
    }

    /** A checked copy of the wanted positions (the caller may reuse its array before backward runs). */
    private static int[] positions(Sequences seqs, int[] at) {
        if (at.length != seqs.count()) {
            throw new IllegalArgumentException("attention: " + at.length + " positions for " + seqs.count() + " sequences");
        }
        int[] pos = at.clone();
        for (int s = 0; s < pos.length; s++) {
            if (pos[s] < 0 || pos[s] >= seqs.length(s)) {
                throw new IllegalArgumentException("attention: position " + pos[s] + " outside [0, " + seqs.length(s)
                        + ") of sequence " + s);
            }
        }
        return pos;
    }

    /**
     * This thread's scratch array of at least {@code n} floats, for a task's scores or their
     * gradients: each task overwrites what it uses and is done with it before the next.
     */
    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    /** Where each sequence's probabilities begin: heads · L² floats per sequence of length L. */
    private static int[] probabilityStarts(Sequences seqs, int heads) {
        int[] starts = new int[seqs.count() + 1];
        for (int s = 0; s < seqs.count(); s++) {
            long l = seqs.length(s), next = starts[s] + heads * l * l;
            if (next > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("attention: " + seqs.count() + " sequences of up to "
                        + seqs.maxLength() + " tokens need too many probabilities");
            }
            starts[s + 1] = (int) next;
        }
        return starts;
    }

    private static void checkBatch(Tensor qkv, Tensor mask) {
        if (qkv.rank() != 3) {
            throw new IllegalArgumentException("attention: qkv must be [B, L, 3D], got " + Arrays.toString(qkv.shape()));
        }
        int l = qkv.dim(1);
        if (mask != null && (mask.rank() != 2 || mask.dim(0) != l || mask.dim(1) != l)) {
            throw new IllegalArgumentException("attention: mask must be [" + l + ", " + l + "], got "
                    + Arrays.toString(mask.shape()));
        }
    }

    private static void check(Tensor qkv, int heads, Tensor mask, Sequences seqs) {
        if (qkv.rank() != 2 || qkv.dim(1) % 3 != 0 || heads <= 0 || qkv.dim(1) / 3 % heads != 0) {
            throw new IllegalArgumentException("attention: qkv must be [N, 3D] with D divisible into " + heads
                    + " heads, got " + Arrays.toString(qkv.shape()));
        }
        checkSequences(qkv, mask, seqs);
    }

    /** The tokens' rows must be the sequences', and the mask cover the longest. */
    private static void checkSequences(Tensor tokens, Tensor mask, Sequences seqs) {
        if (tokens.dim(0) != seqs.rows()) {
            throw new IllegalArgumentException("attention: " + tokens.dim(0) + " tokens for sequences of "
                    + seqs.rows() + " in all");
        }
        int l = seqs.maxLength();
        if (mask != null && (mask.rank() != 2 || mask.dim(0) < l || mask.dim(1) < l || mask.requiresGrad())) {
            throw new IllegalArgumentException("attention: mask must be a constant [M, M], M at least the longest"
                    + " sequence's " + l + ", got " + Arrays.toString(mask.shape()));
        }
    }
}
