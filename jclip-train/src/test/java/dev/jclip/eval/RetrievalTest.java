package dev.jclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Recall against a brute-force computation: every item sorted for every query. */
class RetrievalTest {

    @Test
    void byHand() {
        // Image 0 is nearest text 1, image 1 nearest text 0, image 2 nearest text 2; pairs are one to one.
        float[][] img = {{0, 1}, {1, 0}, {1, 1}};
        float[][] txt = {{1, 0}, {0, 1}, {0.9f, 1}};
        RetrievalResult r = Retrieval.evaluate(img, new int[] {0, 1, 2}, txt, new int[] {0, 1, 2});
        // i2t: image 0 scores (0, 1, 1): text 1 ranks first (tie with 2, index order), its match text 0 third.
        // image 1 scores (1, 0, 0.9): text 0 first, match text 1 third. image 2 (1, 1, 1.9): text 2 first.
        assertArrayEquals(new double[] {1.0 / 3, 1, 1}, r.imageToText());
        // t2i: text 0 scores (0, 1, 1): image 1 first, match image 0 third. text 1 (1, 0, 1): image 0 first, match 1 third.
        // text 2 (1, 0.9, 1.9): image 2 first.
        assertArrayEquals(new double[] {1.0 / 3, 1, 1}, r.textToImage());
        assertEquals(1.0 / 3, r.textToImageR1());
    }

    @Test
    void equalsBruteForceWithGroupsAndTies() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 300, m = 270, dim = 5, groups = 40;
        float[][] img = ZeroShotTest.ints(rng, n, dim), txt = ZeroShotTest.ints(rng, m, dim);
        int[] ig = rng.ints(n, 0, groups).toArray(), tg = rng.ints(m, 0, groups).toArray();
        ig[0] = groups; // a query without any match never counts

        RetrievalResult r = Retrieval.evaluate(img, ig, txt, tg);
        assertArrayEquals(bruteForce(img, ig, txt, tg), r.imageToText());
        assertArrayEquals(bruteForce(txt, tg, img, ig), r.textToImage());
        assertEquals(n, r.images());
        assertEquals(m, r.texts());
    }

    @Test
    void groupsByCaption() {
        assertArrayEquals(new int[] {0, 1, 0, 2}, RetrievalTask.groupsByCaption(java.util.List.of("a", "b", "a", "c")));
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class,
                () -> Retrieval.evaluate(new float[][] {{1}}, new int[] {0, 1}, new float[][] {{1}}, new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> Retrieval.evaluate(new float[0][], new int[0], new float[][] {{1}}, new int[] {0}));
    }

    private static double[] bruteForce(float[][] q, int[] qg, float[][] items, int[] ig) {
        int[] ks = {1, 5, 10};
        double[] recall = new double[ks.length];
        for (int i = 0; i < q.length; i++) {
            double[] s = new double[items.length];
            for (int j = 0; j < items.length; j++) {
                for (int k = 0; k < q[i].length; k++) {
                    s[j] += (double) q[i][k] * items[j][k];
                }
            }
            Integer[] order = new Integer[items.length];
            Arrays.setAll(order, j -> j);
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -s[j]).thenComparingInt(j -> j));
            for (int k = 0; k < ks.length; k++) {
                for (int p = 0; p < ks[k]; p++) {
                    if (ig[order[p]] == qg[i]) {
                        recall[k]++;
                        break;
                    }
                }
            }
        }
        for (int k = 0; k < ks.length; k++) {
            recall[k] /= q.length;
        }
        return recall;
    }
}
