package dev.jclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Zero-shot metrics against a brute-force computation: every class sorted for every image. */
class ZeroShotTest {

    @Test
    void byHand() {
        // Class 0 along x, class 1 along y. Image 0 (x) is class 0: right. Image 1 (x+y, a tie) is class 1:
        // the tie goes to class 0, wrong. Image 2 (y) is class 1: right.
        float[][] w = {{1, 0}, {0, 1}};
        float[][] img = {{1, 0}, {0.5f, 0.5f}, {0, 1}};
        ZeroShotResult r = ZeroShot.evaluate(img, new int[] {0, 1, 1}, w);
        assertArrayEquals(new int[][] {{1, 0}, {1, 1}}, r.confusion());
        assertEquals(2.0 / 3, r.top1(), 1e-12);
        assertEquals(1.0, r.top5());
        assertEquals(1.0, r.classAccuracy(0));
        assertEquals(0.5, r.classAccuracy(1));
        assertEquals(0.75, r.meanPerClass());
        assertEquals(0.5, r.top1Over(new int[] {1}));
        assertEquals(3, r.count());
    }

    @Test
    void equalsBruteForceWithManyTies() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 600, classes = 13, dim = 6;
        // Small integers: every dot product is exact in float, whatever the order of the sum, and ties are common.
        float[][] w = ints(rng, classes, dim), img = ints(rng, n, dim);
        int[] labels = rng.ints(n, 0, classes).toArray();

        int[][] confusion = new int[classes][classes];
        int top5 = 0;
        for (int i = 0; i < n; i++) {
            double[] s = new double[classes];
            for (int c = 0; c < classes; c++) {
                for (int k = 0; k < dim; k++) {
                    s[c] += (double) img[i][k] * w[c][k];
                }
            }
            Integer[] order = new Integer[classes];
            Arrays.setAll(order, c -> c);
            Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -s[c]).thenComparingInt(c -> c));
            confusion[labels[i]][order[0]]++;
            if (Arrays.asList(order).subList(0, 5).contains(labels[i])) {
                top5++;
            }
        }
        ZeroShotResult r = ZeroShot.evaluate(img, labels, w);
        assertArrayEquals(confusion, r.confusion());
        assertEquals((double) top5 / n, r.top5());
        int correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += confusion[c][c];
            assertEquals((double) confusion[c][c] / Arrays.stream(confusion[c]).sum(), r.classAccuracy(c), 1e-12);
        }
        assertEquals((double) correct / n, r.top1(), 1e-12);
        int[] subset = {2, 5, 11};
        int sc = 0, sn = 0;
        for (int c : subset) {
            sc += confusion[c][c];
            sn += Arrays.stream(confusion[c]).sum();
        }
        assertEquals((double) sc / sn, r.top1Over(subset), 1e-12);
    }

    @Test
    void formatsAReport() {
        ZeroShotResult r = ZeroShot.evaluate(new float[][] {{1, 0}, {0, 1}}, new int[] {0, 0}, new float[][] {{1, 0}, {0, 1}});
        String text = r.format(List.of("cat", "dog"));
        assertEquals("top1=0.5000 top5=1.0000 mean_per_class=0.5000 images=2", text.lines().findFirst().orElseThrow());
        // dog has no images: its accuracy is NaN and it leaves the mean.
        assertEquals(List.of("cat      0.5000       2", "dog         NaN       0", "cat   1 1", "dog   0 0"),
                text.lines().filter(l -> l.startsWith("cat") || l.startsWith("dog")).toList());
    }

    @Test
    void badInput() {
        float[][] w = {{1, 0}};
        assertThrows(IllegalArgumentException.class, () -> ZeroShot.evaluate(new float[][] {{1, 0}}, new int[] {1}, w));
        assertThrows(IllegalArgumentException.class, () -> ZeroShot.evaluate(new float[][] {{1, 0}}, new int[0], w));
    }

    static float[][] ints(SplittableRandom rng, int rows, int dim) {
        float[][] m = new float[rows][dim];
        for (float[] row : m) {
            for (int k = 0; k < dim; k++) {
                row[k] = rng.nextInt(-2, 3);
            }
        }
        return m;
    }
}
