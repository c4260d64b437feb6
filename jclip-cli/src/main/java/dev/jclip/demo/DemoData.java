package dev.jclip.demo;

import dev.jclip.data.FashionMnist;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data of a demo: an endless, seeded stream of training pairs, and evaluation sets that never
 * overlap it. Batch {@code k} depends only on the seed and {@code k}, so a run with a step budget is
 * the same every time.
 */
public interface DemoData {

    /** Training pairs: images [B, 3, S, S] (preprocessed) and their captions. */
    record Pairs(Tensor images, List<String> captions) {}

    /**
     * Evaluation images with their class (or {@link dev.jclip.data.Example#NO_LABEL}), caption and
     * retrieval group (see {@link dev.jclip.eval.Retrieval}).
     */
    record EvalSet(List<BufferedImage> images, int[] labels, List<String> captions, int[] groups) {}

    /**
     * The data of demo {@code name}: {@code shapes} (generated at {@code imageSize} pixels, as the
     * shapes recipe makes its pairs) or
     * {@code fashion-mnist} (from {@code dir}, default {@link FashionMnist#DEBIAN_DIR}; its training
     * split is read when first needed), with training batches of {@code batch} pairs.
     */
    static DemoData of(String name, Path dir, long seed, int imageSize, int batch) {
        return of(name, dir, seed, imageSize, batch, Recipe.shapes().mix());
    }

    /** {@link #of(String, Path, long, int, int)} with the shapes' training {@code mix}. */
    static DemoData of(String name, Path dir, long seed, int imageSize, int batch, ShapesData.Mix mix) {
        return switch (name) {
            case "shapes" -> new ShapesData(imageSize, seed, mix);
            case "fashion-mnist" -> new FashionData(dir != null ? dir : FashionMnist.DEBIAN_DIR, seed, batch, imageSize);
            default -> throw new IllegalArgumentException("unknown data set '" + name + "': shapes or fashion-mnist");
        };
    }

    /** The data set's name, as {@code jclip demo} takes it. */
    String name();

    /** The side of the square images the model takes. */
    int imageSize();

    /** Training captions to learn the tokenizer's vocabulary from. */
    List<String> tokenizerCorpus();

    /** Training batch {@code step} of {@code size} pairs. */
    Pairs batch(long step, int size);

    /** {@code count} labelled evaluation images (at most all of them), for zero-shot classification. */
    EvalSet zeroShotSet(int count);

    /** {@code count} evaluation pairs (at most all of them), for retrieval. */
    EvalSet retrievalSet(int count);

    /** Class names as they go into the prompt templates, by label. */
    List<String> classNames();

    /** Class names as the report shows them, by label. */
    default List<String> displayNames() {
        return classNames();
    }

    /** Default zero-shot prompt templates: none of them is how a training caption is made. */
    List<String> templates();

    /** Named class subsets reported on their own (e.g. held-out combinations). */
    default Map<String, int[]> subsets() {
        return Map.of();
    }

    /** Preprocesses images as the model takes them (the same transform as at inference). */
    static List<Tensor> tensors(List<BufferedImage> images, int size) {
        ImagePreprocessor pre = ImagePreprocessor.clip(size);
        List<Tensor> out = new ArrayList<>(images.size());
        for (BufferedImage img : images) {
            out.add(pre.preprocess(img));
        }
        return out;
    }

    /** Stacks [3, S, S] tensors into one [N, 3, S, S] tensor. */
    static Tensor stack(List<Tensor> images) {
        int per = images.getFirst().numel();
        float[] data = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, data, i * per, per);
        }
        int[] s = images.getFirst().shape();
        return Tensor.of(data, images.size(), s[0], s[1], s[2]);
    }
}
