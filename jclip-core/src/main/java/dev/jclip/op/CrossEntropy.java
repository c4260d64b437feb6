package dev.jclip.op;

import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** Mean cross-entropy over a batch of logits, as {@code F.cross_entropy(logits, targets)}. */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * {@code mean_n (logsumexp(logits[n]) − logits[n, targets[n]])} for logits [N, C]:
     * a scalar. Backward: {@code (softmax − onehot) / N}.
     */
    public static Tensor forward(Tensor logits, int[] targets) {
        if (logits.rank() != 2 || logits.dim(0) != targets.length || targets.length == 0) {
            throw new IllegalArgumentException("cross_entropy: logits " + Arrays.toString(logits.shape()) + " for "
                    + targets.length + " targets (need [N, C] with N = number of targets > 0)");
        }
        int n = logits.dim(0), c = logits.dim(1);
        for (int t : targets) {
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("cross_entropy: target " + t + " out of range for " + c + " classes");
            }
        }
        int[] target = targets.clone(); // the caller may reuse its array
        float[] x = logits.data();
        double[] lse = new double[n]; // log-sum-exp per row, saved for backward
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int base = r * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, x[base + i]);
            }
            double sum = 0;
            for (int i = 0; i < c; i++) {
                sum += Math.exp(x[base + i] - max);
            }
            lse[r] = max + Math.log(sum);
            loss += lse[r] - x[base + target[r]];
        }
        return Tensor.result(new float[] {(float) (loss / n)}, new int[0], o -> {
            double scale = o.grad()[0] / (double) n;
            float[] gx = logits.gradForAccumulation();
            for (int r = 0; r < n; r++) {
                int base = r * c;
                for (int i = 0; i < c; i++) {
                    double p = Math.exp(x[base + i] - lse[r]);
                    gx[base + i] += (float) (scale * (i == target[r] ? p - 1 : p));
                }
            }
        }, logits);
    }
}
