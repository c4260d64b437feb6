package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Rows;
import dev.jclip.kernel.RowsGrad;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention on the packed input projection of
 * {@code torch.nn.MultiheadAttention}: {@code qkv} [B, L, 3D] holds, for each token,
 * q (the heads side by side), then k, then v. For head h with {@code hd = D / heads},
 * {@code out[b, i, h·hd + c] = Σ_j P[i, j] · v[b, j, h·hd + c]} with
 * {@code P = softmax(q·kᵀ·hd^-0.5 + mask)} over j.
 *
 * <p>Each (batch, head) pair is one task on the {@link Parallel} pool that reads its
 * q, k and v columns in place with strided GEMMs and writes its own columns of the
 * output, so no head is ever copied out (PyTorch's permutes) and the result does not
 * depend on the thread count. The probabilities are kept for backward only when a
 * gradient is needed; inference uses one L×L scratch matrix per task.
 */
public final class Attention {
    private Attention() {}

    /**
     * @param qkv   {@code [B, L, 3D]}, the output of the packed q/k/v projection
     * @param heads number of heads, dividing D
     * @param mask  {@code [L, L]} added to the scaled scores (−inf hides a key), or null; constant
     * @return {@code [B, L, D]}, the heads merged back side by side
     */
    public static Tensor forward(Tensor qkv, int heads, Tensor mask) {
        check(qkv, heads, mask);
        int b = qkv.dim(0), l = qkv.dim(1), d3 = qkv.dim(2), d = d3 / 3, hd = d / heads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] x = qkv.data(), m = mask == null ? null : mask.data();
        float[] out = new float[Tensor.checkedNumel(b, l, d)];
        boolean keep = Tensor.needsGrad(qkv);
        float[] probs = keep ? new float[Tensor.checkedNumel(b, heads, l, l)] : null;
        Parallel.forEach(b * heads, t -> {
            int q = t / heads * l * d3 + t % heads * hd;    // q of (batch, head); k at q + D, v at q + 2D
            float[] p = keep ? probs : new float[l * l];
            int pOff = keep ? t * l * l : 0;
            // scores [L×L] = q · kᵀ, scaled inside the softmax
            Gemm.sgemm(l, l, hd, Operand.of(x, q, d3), Operand.of(x, q + d, d3).t(), p, pOff, l, false, null);
            for (int i = 0; i < l; i++) {
                Rows.softmax(p, pOff + i * l, l, scale, m, i * l);
            }
            // out[batch, :, head columns] = P · v
            Gemm.sgemm(l, hd, l, Operand.of(p, pOff, l), Operand.of(x, q + 2 * d, d3),
                    out, t / heads * l * d + t % heads * hd, d, false, null);
        });
        return Tensor.result(out, new int[] {b, l, d}, o -> {
            float[] g = o.grad(), gx = qkv.gradForAccumulation();
            Parallel.forEach(b * heads, t -> {
                int q = t / heads * l * d3 + t % heads * hd, go = t / heads * l * d + t % heads * hd, pOff = t * l * l;
                // dv [L×hd] += Pᵀ · dout
                Gemm.sgemm(l, hd, l, Operand.of(probs, pOff, l).t(), Operand.of(g, go, d), gx, q + 2 * d, d3, true, null);
                // dP [L×L] = dout · vᵀ
                float[] ds = new float[l * l];
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
     * @param at position of the wanted token in each of the B sequences
     * @return {@code [B, D]}
     */
    public static Tensor forwardAt(Tensor qkv, int heads, Tensor mask, int[] at) {
        check(qkv, heads, mask);
        int b = qkv.dim(0), l = qkv.dim(1), d3 = qkv.dim(2), d = d3 / 3, hd = d / heads;
        if (at.length != b) {
            throw new IllegalArgumentException("attention: " + at.length + " positions for " + b + " sequences");
        }
        int[] pos = at.clone();   // the caller may reuse its array before backward runs
        for (int p : pos) {
            if (p < 0 || p >= l) {
                throw new IllegalArgumentException("attention: position " + p + " outside [0, " + l + ")");
            }
        }
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] x = qkv.data(), m = mask == null ? null : mask.data();
        float[] out = new float[Tensor.checkedNumel(b, d)];
        boolean keep = Tensor.needsGrad(qkv);
        float[] probs = keep ? new float[Tensor.checkedNumel(b, heads, l)] : null;
        Parallel.forEach(b * heads, t -> {
            int s = t / heads, q = (s * l + pos[s]) * d3 + t % heads * hd, k = s * l * d3 + d + t % heads * hd;
            float[] p = keep ? probs : new float[l];
            int pOff = keep ? t * l : 0;
            // scores [1×L] = q · kᵀ, scaled inside the softmax; out[s, head columns] = p · v
            Gemm.sgemm(1, l, hd, Operand.of(x, q, d3), Operand.of(x, k, d3).t(), p, pOff, l, false, null);
            Rows.softmax(p, pOff, l, scale, m, pos[s] * l);
            Gemm.sgemm(1, hd, l, Operand.of(p, pOff, l), Operand.of(x, k + d, d3), out, s * d + t % heads * hd, d, false, null);
        });
        return Tensor.result(out, new int[] {b, d}, o -> {
            float[] g = o.grad(), gx = qkv.gradForAccumulation();
            Parallel.forEach(b * heads, t -> {
                int s = t / heads, q = (s * l + pos[s]) * d3 + t % heads * hd, k = s * l * d3 + d + t % heads * hd;
                int go = s * d + t % heads * hd, pOff = t * l;
                // dv [L×hd] += pᵀ · dout
                Gemm.sgemm(l, hd, 1, Operand.of(probs, pOff, l).t(), Operand.of(g, go, d), gx, k + d, d3, true, null);
                // dp [1×L] = dout · vᵀ, then through softmax and the scale: ds = scale · p ⊙ (dp − dp·p)
                float[] ds = new float[l];
                Gemm.sgemm(1, l, hd, Operand.of(g, go, d), Operand.of(x, k + d, d3).t(), ds, 0, l, false, null);
                RowsGrad.softmax(probs, pOff, ds, 0, l, scale);
                // dq += ds · k, dk += dsᵀ · q
                Gemm.sgemm(1, hd, l, Operand.of(ds, 0, l), Operand.of(x, k, d3), gx, q, d3, true, null);
                Gemm.sgemm(l, hd, 1, Operand.of(ds, 0, l).t(), Operand.of(x, q, d3), gx, k, d3, true, null);
            });
        }, qkv);
    }

    private static void check(Tensor qkv, int heads, Tensor mask) {
        if (qkv.rank() != 3 || qkv.dim(2) % 3 != 0 || heads <= 0 || qkv.dim(2) / 3 % heads != 0) {
            throw new IllegalArgumentException("attention: qkv must be [B, L, 3D] with D divisible into " + heads
                    + " heads, got " + Arrays.toString(qkv.shape()));
        }
        int l = qkv.dim(1);
        if (mask != null && (mask.rank() != 2 || mask.dim(0) != l || mask.dim(1) != l || mask.requiresGrad())) {
            throw new IllegalArgumentException("attention: mask must be a constant [" + l + ", " + l + "], got "
                    + Arrays.toString(mask.shape()));
        }
    }
}
