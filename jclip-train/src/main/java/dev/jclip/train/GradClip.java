package dev.jclip.train;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}, on the {@link Parallel}
 * pool: every gradient in fixed chunks, each chunk's sum of squares in double, the chunks' sums
 * added in order, so the norm does not depend on the thread count.
 */
final class GradClip {
    /** Elements per task. */
    private static final int CHUNK = 1 << 16;

    private GradClip() {}

    /** The L2 norm of all gradients together (accumulated in double). */
    public static double globalNorm(Collection<Tensor> params) {
        List<float[]> grads = grads(params);
        List<int[]> chunks = chunks(grads);
        double[] sums = new double[chunks.size()];
        Parallel.forEach(chunks.size(), c -> {
            int[] chunk = chunks.get(c);
            float[] g = grads.get(chunk[0]);
            // Four interleaved sums, so the additions do not wait on one another.
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = chunk[1];
            for (; i + 4 <= chunk[2]; i += 4) {
                s0 += (double) g[i] * g[i];
                s1 += (double) g[i + 1] * g[i + 1];
                s2 += (double) g[i + 2] * g[i + 2];
                s3 += (double) g[i + 3] * g[i + 3];
            }
            for (; i < chunk[2]; i++) {
                s0 += (double) g[i] * g[i];
            }
            sums[c] = (s0 + s1) + (s2 + s3);
        });
        double sq = 0;
        for (double s : sums) {
            sq += s;
        }
        return Math.sqrt(sq);
    }

    /** Scales all gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clip(Collection<Tensor> params, double maxNorm) {
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            List<float[]> grads = grads(params);
            List<int[]> chunks = chunks(grads);
            Parallel.forEach(chunks.size(), t -> {
                int[] chunk = chunks.get(t);
                float[] g = grads.get(chunk[0]);
                for (int i = chunk[1]; i < chunk[2]; i++) {
                    g[i] *= c;
                }
            });
        }
        return norm;
    }

    private static List<float[]> grads(Collection<Tensor> params) {
        List<float[]> grads = new ArrayList<>();
        for (Tensor p : params) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        return grads;
    }

    /** {gradient index, from, to} of every chunk of at most {@link #CHUNK} elements. */
    private static List<int[]> chunks(List<float[]> grads) {
        List<int[]> chunks = new ArrayList<>();
        for (int i = 0; i < grads.size(); i++) {
            for (int from = 0, n = grads.get(i).length; from < n; from += CHUNK) {
                chunks.add(new int[] {i, from, Math.min(n, from + CHUNK)});
            }
        }
        return chunks;
    }
}
