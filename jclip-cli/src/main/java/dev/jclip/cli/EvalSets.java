package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.data.DataError;
import dev.jclip.data.Example;
import dev.jclip.data.ExampleImage;
import dev.jclip.demo.DemoData;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.eval.ZeroShotTask;
import dev.jclip.image.BadImageException;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The evaluation data sets that {@code jclip eval} and {@code jclip train --eval-*} name: the
 * generated shapes, Fashion-MNIST's test images, a folder with one subfolder of images per class
 * (zero-shot), or a CSV of image_path,caption (retrieval). Images are files (decoded when
 * embedded) or in memory.
 */
final class EvalSets {
    /** Images: files, or decoded images in memory. */
    record Images(List<Path> files, List<BufferedImage> decoded) {
        int size() {
            return files != null ? files.size() : decoded.size();
        }

        /** Unit-length embeddings, in order (files are decoded on all cores). */
        float[][] embed(ClipModel model) throws BadImageException {
            return files != null ? model.embedImageFiles(files) : model.embedImages(decoded);
        }

        /** The images as the model takes them, preprocessed whenever read (so a large set never sits in memory). */
        List<Tensor> tensors(int imageSize) {
            ImagePreprocessor pre = ImagePreprocessor.clip(imageSize);
            return new AbstractList<>() {
                @Override
                public Tensor get(int i) {
                    if (decoded != null) {
                        return pre.preprocess(decoded.get(i));
                    }
                    try {
                        return pre.preprocess(files.get(i));
                    } catch (BadImageException e) {
                        throw new IllegalArgumentException("evaluation image " + files.get(i) + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public int size() {
                    return Images.this.size();
                }
            };
        }
    }

    /** Labelled images for zero-shot classification. */
    record Labelled(String name, Images images, int[] labels, List<String> classNames, List<String> displayNames,
                    List<String> templates, Map<String, int[]> subsets) {
        ZeroShotTask task(int imageSize) {
            return new ZeroShotTask(name, images.tensors(imageSize), labels, classNames, templates, subsets);
        }
    }

    /** Image-caption pairs for retrieval; pairs of a group match each other. */
    record Paired(String name, Images images, List<String> captions, int[] groups) {
        RetrievalTask task(int imageSize) {
            return new RetrievalTask(name, images.tensors(imageSize), captions, groups);
        }
    }

    private EvalSets() {}

    /**
     * {@code dataset}: {@code shapes}, {@code fashion-mnist} (in {@code data}, or the Debian
     * package's folder) or a folder of class subfolders ({@code _} in a folder name read as a
     * space); the first {@code count} images (null: shapes 2400, others all); {@code templates}
     * (null: the data set's own, or the library's short set for a folder); shapes generated at
     * {@code imageSize} pixels with {@code seed}.
     */
    static Labelled zeroShot(String dataset, Path data, List<String> templates, Integer count, int imageSize, long seed)
            throws IOException {
        if (dataset.equals("shapes") || dataset.equals("fashion-mnist")) {
            DemoData d = DemoData.of(dataset, data, seed, imageSize, 2);
            DemoData.EvalSet set = d.zeroShotSet(count != null ? count : dataset.equals("shapes") ? 2400 : 10_000);
            return new Labelled(dataset, new Images(null, set.images()), set.labels(), d.classNames(), d.displayNames(),
                    templates != null ? templates : d.templates(), d.subsets());
        }
        Path dir = Path.of(dataset);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("zero-shot data set " + dataset + " is neither shapes, fashion-mnist nor a folder");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(dir)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            for (Path f : ImageFiles.list(List.of(classDirs.get(c)))) {
                files.add(f);
                labels.add(c);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no class subfolders with images");
        }
        int n = count != null ? Math.min(count, files.size()) : files.size();
        List<String> classes = classDirs.stream().map(p -> p.getFileName().toString().replace('_', ' ')).toList();
        return new Labelled(dir.getFileName().toString(), new Images(files.subList(0, n), null),
                labels.subList(0, n).stream().mapToInt(Integer::intValue).toArray(), classes, classes,
                templates != null ? templates : ClipModel.DEFAULT_TEMPLATES, Map.of());
    }

    /**
     * {@code data}: a CSV of image_path,caption (pairs with equal captions match), {@code shapes}
     * (fresh pairs from the training distribution) or {@code fashion-mnist} (the test images with
     * generated captions; pairs of a class match); the first {@code count} pairs (null: shapes 1000,
     * others all).
     */
    static Paired retrieval(String data, Path fashionDir, Integer count, int imageSize, long seed) throws IOException {
        if (data.equals("shapes") || data.equals("fashion-mnist")) {
            DemoData d = DemoData.of(data, fashionDir, seed, imageSize, 2);
            DemoData.EvalSet set = d.retrievalSet(count != null ? count : data.equals("shapes") ? 1000 : 10_000);
            return new Paired(data, new Images(null, set.images()), set.captions(), set.groups());
        }
        Path csv = Path.of(data);
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("retrieval data " + data + " is neither shapes, fashion-mnist nor a CSV file");
        }
        char sep = csv.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        List<Path> files = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        try (Stream<Example> s = TrainData.detectCsv(csv, sep).examples(seed, DataError.THROW)) {
            s.limit(count != null ? count : Long.MAX_VALUE).forEach(e -> {
                if (!(e.image() instanceof ExampleImage.FromFile f)) {
                    throw new IllegalStateException("a CSV row gives an image file");
                }
                files.add(f.path());
                captions.add(e.caption());
            });
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no image,caption rows");
        }
        return new Paired(csv.getFileName().toString(), new Images(files, null),
                captions, RetrievalTask.groupsByCaption(captions));
    }
}
