package dev.jclip.eval;

import dev.jclip.api.ClipModel;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot classification of labelled images with the library's {@link ZeroShotClassifier}
 * (prompt ensembling), scored by {@link ZeroShot}. Named class subsets (e.g. the held-out
 * combinations of a generated data set) add their own top-1 accuracy, {@code top1_NAME}.
 *
 * @param name       the data set's name
 * @param images     preprocessed images, each [3, S, S]
 * @param labels     the class of each image
 * @param classNames the class names, by label, as they go into the templates
 * @param templates  prompt templates with {@code {}} for the class name
 * @param subsets    named groups of classes to report separately
 */
public record ZeroShotTask(String name, List<Tensor> images, int[] labels, List<String> classNames, List<String> templates,
                           Map<String, int[]> subsets) implements EvalTask {

    public ZeroShotTask {
        if (images.size() != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("zero-shot set " + name + ": need as many labels as images, at least one; got "
                    + images.size() + " images, " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("zero-shot set " + name + ": label " + labels[i] + " of image " + i
                        + " is not one of the " + classNames.size() + " classes");
            }
        }
        images = List.copyOf(images);
        templates = List.copyOf(templates);
        classNames = List.copyOf(classNames);
        subsets = Map.copyOf(subsets);
    }

    @Override
    public String kind() {
        return "zeroshot";
    }

    /** The unit-length class weights [classes][embed] of {@code model}. */
    public float[][] classWeights(ClipModel model) {
        ZeroShotClassifier zs = model.classifier(classNames, templates);
        float[][] w = new float[classNames.size()][];
        for (int c = 0; c < w.length; c++) {
            w[c] = zs.classWeights(c);
        }
        return w;
    }

    /** The full results (confusion matrix included) of {@code model}. */
    public ZeroShotResult evaluate(ClipModel model) {
        return ZeroShot.evaluate(model.embedPreprocessed(images), labels, classWeights(model));
    }

    @Override
    public Map<String, Double> metrics(ClipModel model) {
        return metrics(evaluate(model));
    }

    /** top1, top5, mean_per_class, then top1_NAME for each subset in name order. */
    public Map<String, Double> metrics(ZeroShotResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("mean_per_class", r.meanPerClass());
        subsets.keySet().stream().sorted().forEach(s -> m.put("top1_" + s, r.top1Over(subsets.get(s))));
        return m;
    }
}
