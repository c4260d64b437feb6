package dev.jclip.eval;

import dev.jclip.api.Similarity;

/**
 * Zero-shot classification metrics from embeddings: each image's class scores are its cosine
 * similarities with the class weights ({@link Similarity}, as the classifier scores; the logit scale
 * does not change the ranking); classes are ranked by score, equal scores in class order.
 */
public final class ZeroShot {
    private ZeroShot() {}

    /**
     * Top-1/top-5 accuracy, per-class accuracy and the confusion matrix of unit-length image
     * embeddings {@code [N][embed]} with true {@code labels} against unit-length
     * {@code classWeights [classes][embed]}.
     */
    public static ZeroShotResult evaluate(float[][] images, int[] labels, float[][] classWeights) {
        int n = images.length, classes = classWeights.length;
        if (labels.length != n || n == 0) {
            throw new IllegalArgumentException("zero-shot evaluation needs one label per image and at least one image: "
                    + n + " images, " + labels.length + " labels");
        }
        int[][] confusion = new int[classes][classes];
        int top5 = 0;
        Similarity similarity = Similarity.against(classWeights);
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " of image " + i + " is not one of the " + classes + " classes");
            }
            float[] score = similarity.scores(images[i]);
            int best = 0;
            for (int c = 0; c < classes; c++) {
                if (score[c] > score[best]) {
                    best = c;
                }
            }
            confusion[y][best]++;
            // The true class's rank: classes scoring higher, or equal and earlier.
            int rank = 0;
            for (int c = 0; c < classes; c++) {
                if (score[c] > score[y] || (score[c] == score[y] && c < y)) {
                    rank++;
                }
            }
            if (rank < 5) {
                top5++;
            }
        }
        return new ZeroShotResult(confusion, (double) top5 / n);
    }
}
