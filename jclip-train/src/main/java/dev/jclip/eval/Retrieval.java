package dev.jclip.eval;

import dev.jclip.api.Similarity;
import java.util.Arrays;

/**
 * Image-text retrieval recall from embeddings. Items are ranked by cosine similarity
 * ({@link Similarity}), equal scores in index order. An image and a text are a match when they share a group: the pair index for
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
        int[] hits = hits(queries, queryGroups, items, itemGroups);
        double[] r = new double[KS.length];
        for (int k = 0; k < KS.length; k++) {
            r[k] = (double) hits[k] / queries.length;
        }
        return r;
    }

    /**
     * For each of {@link #KS}, how many of the queries have a match among their k best-ranked items:
     * recall's numerators. A query's rank depends on it and the items only, so hits over parts of the
     * queries (e.g. on a cluster) add up to those over all of them.
     */
    public static int[] hits(float[][] queries, int[] queryGroups, float[][] items, int[] itemGroups) {
        int q = queries.length;
        Similarity similarity = Similarity.against(items);
        int[] hits = new int[KS.length];
        // Queries a block at a time: one product each, its scores [block × items] bounded.
        for (int s = 0; s < q; s += BLOCK) {
            float[][] scores = similarity.scores(Arrays.copyOfRange(queries, s, Math.min(q, s + BLOCK)));
            for (int i = 0; i < scores.length; i++) {
                int rank = rankOfFirstMatch(scores[i], queryGroups[s + i], itemGroups);
                for (int k = 0; k < KS.length; k++) {
                    if (rank < KS[k]) {
                        hits[k]++;
                    }
                }
            }
        }
        return hits;
    }

    /**
     * The rank (0 = best) of the best-ranked matching item: every item ranked before it does not
     * match, so its rank is the number of items scoring higher, or equal with a smaller index.
     * {@link Integer#MAX_VALUE} when nothing matches.
     */
    private static int rankOfFirstMatch(float[] scores, int group, int[] itemGroups) {
        int n = scores.length;
        int best = -1;
        for (int j = 0; j < n; j++) {
            if (itemGroups[j] == group && (best < 0 || scores[j] > scores[best])) {
                best = j;
            }
        }
        if (best < 0) {
            return Integer.MAX_VALUE;
        }
        float top = scores[best];
        int rank = 0;
        for (int j = 0; j < n; j++) {
            if (scores[j] > top || (scores[j] == top && j < best)) {
                rank++;
            }
        }
        return rank;
    }
}
