package dev.jclip.op;

import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * SigLIP's pairwise sigmoid loss (Zhai et al., "Sigmoid Loss for Language Image Pre-Training", 2023),
 * as open_clip's {@code SigLipLoss}: over square logits [B, B] with label {@code z = +1} on the
 * diagonal (matching pairs) and {@code −1} elsewhere, {@code −Σ log σ(z·logit) / B}.
 */
public final class SigmoidLoss {
    private SigmoidLoss() {}

    /**
     * The loss, a scalar. Backward: {@code d/d logit = −z·σ(−z·logit) / B}. Both directions use
     * forms that never exponentiate a positive number, so large logits of either sign stay finite.
     */
    public static Tensor forward(Tensor logits) {
        if (logits.rank() != 2 || logits.dim(0) != logits.dim(1) || logits.dim(0) == 0) {
            throw new IllegalArgumentException("the sigmoid loss needs square logits [B, B] with B > 0, got "
                    + Arrays.toString(logits.shape()));
        }
        int n = logits.dim(0);
        float[] x = logits.data();
        double loss = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                loss -= logSigmoid(r == c ? x[r * n + c] : -x[r * n + c]);
            }
        }
        return Tensor.result(new float[] {(float) (loss / n)}, new int[0], o -> {
            double scale = o.grad()[0] / (double) n;
            float[] gx = logits.gradForAccumulation();
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    int i = r * n + c;
                    // −log σ(z·x) has derivative −z·σ(−z·x) in x.
                    gx[i] += (float) (r == c ? -scale * sigmoid(-x[i]) : scale * sigmoid(x[i]));
                }
            }
        }, logits);
    }

    /** {@code log σ(v) = min(v, 0) − log1p(e^{−|v|})}. */
    private static double logSigmoid(double v) {
        return Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
    }

    /** {@code σ(v)}, through {@code e^{−|v|}}. */
    private static double sigmoid(double v) {
        double e = Math.exp(-Math.abs(v));
        return v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}
