package dev.jclip.eval;

import dev.jclip.kernel.Gemm;

/**
 * Image-text retrieval recall from embeddings. Items are ranked by cosine similarity, equal scores
 * in index order. An image and a text are a match when they share a group: the pair index for
 * one-to-one pairs, or a class label, or equal captions, so that texts that say the same thing all
 * count. A query's recall@k is 1 when a match is among its k best-ranked items.
 */
public final class Retrieval {
    /** The recall cut-offs reported. */
    public static final int[] KS = {1, 5, 10};
    private static final int BLOCK = 128;

    private Retrieval() {}

    /**
     * Image-to-text and text-to-image recall@1/5/10 of unit-length {@code images [N][embed]} and
     * {@code texts [M][embed]}; image i and text j match when {@code imageGroups[i] == textGroups[j]}.
     */
    public static RetrievalResult evaluate(float[][] images, int[] imageGroups, float[][] texts, int[] textGroups) {
        if (images.length == 0 || texts.length == 0 || imageGroups.length != images.length || textGroups.length != texts.length) {
            throw new IllegalArgumentException("retrieval needs images and texts with one group each: " + images.length
                    + " images, " + imageGroups.length + " image groups, " + texts.length + " texts, " + textGroups.length
                    + " text groups");
        }
        return new RetrievalResult(recall(images, imageGroups, texts, textGroups),
                recall(texts, textGroups, images, imageGroups), images.length, texts.length);
    }

    /** Recall@{@link #KS} of each query over the items. */
    private static double[] recall(float[][] queries, int[] queryGroups, float[][] items, int[] itemGroups) {
        int q = queries.length, n = items.length, d = queries[0].length;
        float[] itemMatrix = flatten(items, d);
        int[] hits = new int[KS.length];
        float[] qBlock = new float[BLOCK * d], scores = new float[BLOCK * n];
        for (int s = 0; s < q; s += BLOCK) {
            int b = Math.min(BLOCK, q - s);
            for (int i = 0; i < b; i++) {
                System.arraycopy(queries[s + i], 0, qBlock, i * d, d);
            }
            // scores [b, n] = queries [b, d] · itemsᵀ
            Gemm.sgemm(false, true, b, n, d, qBlock, 0, d, itemMatrix, 0, d, scores, 0, n, false);
            for (int i = 0; i < b; i++) {
                int rank = rankOfFirstMatch(scores, i * n, n, queryGroups[s + i], itemGroups);
                for (int k = 0; k < KS.length; k++) {
                    if (rank < KS[k]) {
                        hits[k]++;
                    }
                }
            }
        }
        double[] r = new double[KS.length];
        for (int k = 0; k < KS.length; k++) {
            r[k] = (double) hits[k] / q;
        }
        return r;
    }

    /**
     * The rank (0 = best) of the best-ranked matching item: every item ranked before it does not
     * match, so its rank is the number of items scoring higher, or equal with a smaller index.
     * {@link Integer#MAX_VALUE} when nothing matches.
     */
    private static int rankOfFirstMatch(float[] scores, int off, int n, int group, int[] itemGroups) {
        int best = -1;
        for (int j = 0; j < n; j++) {
            if (itemGroups[j] == group && (best < 0 || scores[off + j] > scores[off + best])) {
                best = j;
            }
        }
        if (best < 0) {
            return Integer.MAX_VALUE;
        }
        float top = scores[off + best];
        int rank = 0;
        for (int j = 0; j < n; j++) {
            if (scores[off + j] > top || (scores[off + j] == top && j < best)) {
                rank++;
            }
        }
        return rank;
    }

    private static float[] flatten(float[][] rows, int d) {
        float[] m = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("embedding " + i + " has " + rows[i].length + " values, expected " + d);
            }
            System.arraycopy(rows[i], 0, m, i * d, d);
        }
        return m;
    }
}
