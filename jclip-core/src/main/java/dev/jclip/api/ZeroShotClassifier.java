package dev.jclip.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A zero-shot classifier made by {@link ClipModel#classifier}: one unit-length weight vector per
 * class. An image's logits are {@code exp(logit_scale)} times its cosine similarity with each class
 * vector, its probabilities their softmax. Immutable and thread-safe.
 */
public final class ZeroShotClassifier {
    private final List<String> labels;
    private final float[][] weights;
    private final Similarity classes;
    private final float logitScale;

    ZeroShotClassifier(List<String> labels, float[][] weights, float logitScale) {
        this.labels = List.copyOf(labels);
        this.weights = weights;
        this.classes = Similarity.against(weights);
        this.logitScale = logitScale;
    }

    /** The class names, in the order of the logits and probabilities. */
    public List<String> labels() {
        return labels;
    }

    /** The unit-length weight vector of class {@code c} (a copy). */
    public float[] classWeights(int c) {
        return weights[c].clone();
    }

    /** {@code exp(logit_scale) · cos(image, class)} for every class. */
    public float[] logits(float[] imageEmbedding) {
        float[] out = classes.scores(imageEmbedding);
        for (int c = 0; c < out.length; c++) {
            out[c] *= logitScale;
        }
        return out;
    }

    /** The softmax of {@link #logits}: one probability per class, summing to 1. */
    public float[] probabilities(float[] imageEmbedding) {
        float[] logits = logits(imageEmbedding);
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int c = 0; c < e.length; c++) {
            // Shifted by the largest logit so exp never overflows.
            e[c] = Math.exp(logits[c] - max);
            sum += e[c];
        }
        float[] out = new float[e.length];
        for (int c = 0; c < e.length; c++) {
            out[c] = (float) (e[c] / sum);
        }
        return out;
    }

    /** The {@code k} most probable classes, best first (equal probabilities in class order). */
    public List<Prediction> top(float[] imageEmbedding, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        float[] p = probabilities(imageEmbedding);
        List<Prediction> all = new ArrayList<>(p.length);
        for (int c = 0; c < p.length; c++) {
            all.add(new Prediction(labels.get(c), p[c]));
        }
        // A stable sort keeps class order among ties.
        all.sort(Comparator.comparing(Prediction::probability, Comparator.reverseOrder()));
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }
}
