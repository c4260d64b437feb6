package dev.jclip.eval;

import java.util.List;
import java.util.Locale;

/**
 * Zero-shot classification results.
 *
 * @param confusion [true class][predicted class] image counts
 * @param top5      the fraction of images whose class is among the 5 best scored
 */
public record ZeroShotResult(int[][] confusion, double top5) {

    /** Images evaluated. */
    public int count() {
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    /** Fraction of images whose best-scored class is their class. */
    public double top1() {
        int correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return (double) correct / count();
    }

    /** Images of class {@code c}. */
    public int classCount(int c) {
        int n = 0;
        for (int v : confusion[c]) {
            n += v;
        }
        return n;
    }

    /** Top-1 accuracy on the images of class {@code c} (NaN when there are none). */
    public double classAccuracy(int c) {
        int n = classCount(c);
        return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
    }

    /** The mean of the per-class accuracies over classes with images. */
    public double meanPerClass() {
        double sum = 0;
        int k = 0;
        for (int c = 0; c < confusion.length; c++) {
            if (classCount(c) > 0) {
                sum += classAccuracy(c);
                k++;
            }
        }
        return sum / k;
    }

    /** Top-1 accuracy over the images of {@code classes} (still classified among all classes); NaN without images. */
    public double top1Over(int[] classes) {
        int correct = 0, n = 0;
        for (int c : classes) {
            correct += confusion[c][c];
            n += classCount(c);
        }
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    /** A text report: the summary, per-class accuracy and the confusion matrix, with class names. */
    public String format(List<String> classNames) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "top1=%.4f top5=%.4f mean_per_class=%.4f images=%d%n", top1(), top5,
                meanPerClass(), count()));
        int w = 5;
        for (String name : classNames) {
            w = Math.max(w, name.length());
        }
        s.append(String.format(Locale.ROOT, "%-" + w + "s  accuracy  images%n", "class"));
        for (int c = 0; c < confusion.length; c++) {
            s.append(String.format(Locale.ROOT, "%-" + w + "s  %8.4f  %6d%n", classNames.get(c), classAccuracy(c), classCount(c)));
        }
        s.append("confusion matrix (rows: true class, columns: predicted, in the order above)\n");
        int cw = String.valueOf(count()).length() + 1;
        for (int c = 0; c < confusion.length; c++) {
            s.append(String.format(Locale.ROOT, "%-" + w + "s", classNames.get(c)));
            for (int v : confusion[c]) {
                s.append(String.format(Locale.ROOT, "%" + cw + "d", v));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
