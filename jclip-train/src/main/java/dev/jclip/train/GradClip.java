package dev.jclip.train;

import dev.jclip.tensor.Tensor;
import java.util.Collection;

/** Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together (accumulated in double). */
    public static double globalNorm(Collection<Tensor> params) {
        double sq = 0;
        for (Tensor p : params) {
            float[] g = p.grad();
            if (g != null) {
                for (float x : g) {
                    sq += (double) x * x;
                }
            }
        }
        return Math.sqrt(sq);
    }

    /** Scales all gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clip(Collection<Tensor> params, double maxNorm) {
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Tensor p : params) {
                float[] g = p.grad();
                if (g != null) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= c;
                    }
                }
            }
        }
        return norm;
    }
}
