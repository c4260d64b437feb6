package dev.jclip.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A zero-shot classifier made by {@link ClipModel#classifier}: one unit-length weight vector per
 * class. An image's logits are {@code exp(logit_scale)} times its cosine similarity with each class
 * vector (plus {@code logit_bias} for SigLIP), its probabilities their softmax (CLIP), or for a
 * SigLIP model each logit's sigmoid, independent per class as transformers' zero-shot pipeline
 * gives them ({@link #kind()}). Immutable and thread-safe.
 */
public final class ZeroShotClassifier {
    /** How logits become probabilities. */
    public enum Probabilities {
        /** Softmax over the classes: they sum to 1 (CLIP). */
        SOFTMAX("softmax over the labels"),
        /** The sigmoid of each logit: independent per class, any sum (SigLIP, a model with {@code logit_bias}). */
        SIGMOID("sigmoid (SigLIP: independent per label)");

        private final String description;

        Probabilities(String description) {
            this.description = description;
        }

        /** A phrase for reports, e.g. {@code softmax over the labels}. */
        public String description() {
            return description;
        }
    }

    private final List<String> labels;
    private final float[][] weights;
    private final Similarity classes;
    private final float logitScale;
    private final float logitBias;
    private final Probabilities kind;

    ZeroShotClassifier(List<String> labels, float[][] weights, float logitScale, float logitBias, Probabilities kind) {
        this.labels = List.copyOf(labels);
        this.weights = weights;
        this.classes = Similarity.against(weights);
        this.logitScale = logitScale;
        this.logitBias = logitBias;
        this.kind = kind;
    }

    /** Whether {@link #probabilities} are a softmax over the classes or independent sigmoids. */
    public Probabilities kind() {
        return kind;
    }

    /** The class names, in the order of the logits and probabilities. */
    public List<String> labels() {
        return labels;
    }

    /** The unit-length weight vector of class {@code c} (a copy). */
    public float[] classWeights(int c) {
        return weights[c].clone();
    }

    /** {@code exp(logit_scale) · cos(image, class) (+ logit_bias)} for every class. */
    public float[] logits(float[] imageEmbedding) {
        float[] out = classes.scores(imageEmbedding);
        for (int c = 0; c < out.length; c++) {
            out[c] = out[c] * logitScale + logitBias;
        }
        return out;
    }

    /**
     * One probability per class: the softmax of {@link #logits} (summing to 1), or for a SigLIP
     * model the sigmoid of each ({@link #kind()}).
     */
    public float[] probabilities(float[] imageEmbedding) {
        float[] logits = logits(imageEmbedding);
        if (kind == Probabilities.SIGMOID) {
            float[] out = new float[logits.length];
            for (int c = 0; c < out.length; c++) {
                out[c] = (float) (1 / (1 + Math.exp(-logits[c])));
            }
            return out;
        }
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
