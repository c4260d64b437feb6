package dev.jclip.eval;

import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * Unit-length embeddings for evaluation: the model in evaluation mode, no autograd graph, inputs in
 * batches (never one call per item). A training run can call this between steps: the next
 * {@code Trainer.step} switches the model back to training mode.
 */
public final class Embeddings {
    /** Inputs per forward pass. */
    public static final int BATCH = 256;

    private Embeddings() {}

    /** Embeddings [N][embed] of preprocessed images {@code [N, 3, S, S]}, L2-normalized. */
    public static float[][] images(Clip model, Tensor images) {
        int n = images.dim(0), per = images.numel() / n;
        int[] shape = images.shape();
        float[][] out = new float[n][];
        model.train(false);
        try (var off = GradMode.noGrad()) {
            for (int s = 0; s < n; s += BATCH) {
                int e = Math.min(n, s + BATCH);
                shape[0] = e - s;
                Tensor batch = Tensor.of(Arrays.copyOfRange(images.data(), s * per, e * per), shape);
                rows(model.encodeImage(batch), out, s);
            }
        }
        return out;
    }

    /** Embeddings [N][embed] of token rows, each the model's context length, L2-normalized. */
    public static float[][] texts(Clip model, int[][] tokens) {
        int n = tokens.length, ctx = model.text().contextLength();
        float[][] out = new float[n][];
        model.train(false);
        try (var off = GradMode.noGrad()) {
            for (int s = 0; s < n; s += BATCH) {
                int e = Math.min(n, s + BATCH);
                int[] flat = new int[(e - s) * ctx];
                for (int i = s; i < e; i++) {
                    if (tokens[i].length != ctx) {
                        throw new IllegalArgumentException("token row " + i + " has " + tokens[i].length
                                + " ids, the model's context length is " + ctx);
                    }
                    System.arraycopy(tokens[i], 0, flat, (i - s) * ctx, ctx);
                }
                rows(model.encodeText(flat), out, s);
            }
        }
        return out;
    }

    private static void rows(Tensor features, float[][] out, int first) {
        int b = features.dim(0), d = features.dim(1);
        float[] f = features.data();
        for (int i = 0; i < b; i++) {
            out[first + i] = normalize(Arrays.copyOfRange(f, i * d, (i + 1) * d));
        }
    }

    /** {@code v / ||v||} in place (a zero vector stays zero); returns {@code v}. */
    static float[] normalize(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        if (sq > 0) {
            float inv = (float) (1 / Math.sqrt(sq));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    /** The dot product of two vectors of the same length. */
    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
