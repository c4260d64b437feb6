package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.demo.DemoData;
import dev.jclip.eval.Retrieval;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.eval.ZeroShot;
import dev.jclip.eval.ZeroShotResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jclip eval zeroshot|retrieval}: evaluation of a model on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model: zero-shot classification or retrieval.",
        subcommands = {EvalCommand.ZeroShotCommand.class, EvalCommand.RetrievalCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code jclip eval zeroshot --model PATH --dataset shapes|fashion-mnist|DIR [--templates F]}:
     * top-1/top-5, per-class accuracy and the confusion matrix. A folder data set holds one
     * subfolder of images per class, named after it ({@code _} read as a space).
     */
    @Command(name = "zeroshot", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Zero-shot classification accuracy (prompt ensembling): top-1/top-5, per class, confusion matrix.",
                "Last line: zeroshot dataset=NAME top1=X top5=Y images=N"})
    static final class ZeroShotCommand implements Callable<Integer> {
        @Mixin
        ModelOptions options;

        @Option(names = "--dataset", required = true, paramLabel = "NAME|DIR",
                description = "shapes (generated evaluation images, all 24 colour-shape classes), fashion-mnist (the 10,000 test "
                        + "images), or a folder with one subfolder of images per class.")
        String dataset;

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST's folder (default /usr/share/datasets/fashion-mnist).")
        Path data;

        @Option(names = "--templates", paramLabel = "FILE",
                description = "Prompt templates with {} for the class name: one per line, or JSON with a \"templates\" array "
                        + "(default: the data set's, or the library's short set for a folder).")
        Path templates;

        @Option(names = "--count", paramLabel = "N", description = "Evaluate the first N images (default: shapes 2400, others all).")
        Integer count;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the generated shapes (default ${DEFAULT-VALUE}).")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (count != null && count < 1) {
                throw new IllegalArgumentException("--count must be at least 1, got " + count);
            }
            ClipModel model = options.load(true);
            int size = model.config().vision().imageSize();
            float[][] images;
            int[] labels;
            List<String> classes, shown, prompts;
            if (dataset.equals("shapes") || dataset.equals("fashion-mnist")) {
                DemoData d = DemoData.of(dataset, data, seed, size, 2);
                DemoData.EvalSet set = d.zeroShotSet(count != null ? count : dataset.equals("shapes") ? 2400 : 10_000);
                images = model.embedImages(set.images());
                labels = set.labels();
                classes = d.classNames();
                shown = d.displayNames();
                prompts = d.templates();
            } else {
                Path dir = Path.of(dataset);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("--dataset " + dataset + " is neither shapes, fashion-mnist nor a folder");
                }
                List<Path> classDirs;
                try (Stream<Path> s = Files.list(dir)) {
                    classDirs = s.filter(Files::isDirectory).sorted().toList();
                }
                List<Path> files = new ArrayList<>();
                List<Integer> l = new ArrayList<>();
                for (int c = 0; c < classDirs.size(); c++) {
                    for (Path f : ImageFiles.list(List.of(classDirs.get(c)))) {
                        if (count == null || files.size() < count) {
                            files.add(f);
                            l.add(c);
                        }
                    }
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException(dir + " has no class subfolders with images");
                }
                images = model.embedImageFiles(files);
                labels = l.stream().mapToInt(Integer::intValue).toArray();
                classes = classDirs.stream().map(p -> p.getFileName().toString().replace('_', ' ')).toList();
                shown = classes;
                prompts = ClipModel.DEFAULT_TEMPLATES;
            }
            if (templates != null) {
                prompts = ClassifyCommand.entries(templates, "templates");
            }
            ZeroShotClassifier zs = model.classifier(classes, prompts);
            float[][] w = new float[classes.size()][];
            for (int c = 0; c < w.length; c++) {
                w[c] = zs.classWeights(c);
            }
            ZeroShotResult r = ZeroShot.evaluate(images, labels, w);
            out.print(r.format(shown));
            out.printf(Locale.ROOT, "zeroshot dataset=%s top1=%.4f top5=%.4f images=%d%n", dataset, r.top1(), r.top5(), r.count());
            return 0;
        }
    }

    /**
     * {@code jclip eval retrieval --model PATH --data CSV|shapes|fashion-mnist}: image-to-text and
     * text-to-image recall@1/5/10. Pairs with equal captions match each other (for Fashion-MNIST,
     * pairs of the same class).
     */
    @Command(name = "retrieval", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Image-text retrieval recall@1/5/10 both ways.",
                "Last line: retrieval data=NAME i2t_r1=X t2i_r1=Y pairs=N"})
    static final class RetrievalCommand implements Callable<Integer> {
        @Mixin
        ModelOptions options;

        @Option(names = "--data", required = true, paramLabel = "CSV|NAME",
                description = "A CSV of image_path,caption (paths relative to it), shapes (fresh generated pairs) or fashion-mnist "
                        + "(the test images with generated captions).")
        String data;

        @Option(names = "--fashion-dir", paramLabel = "DIR", description = "Fashion-MNIST's folder (default /usr/share/datasets/fashion-mnist).")
        Path fashionDir;

        @Option(names = "--count", paramLabel = "N", description = "Evaluate the first N pairs (default: shapes 1000, others all).")
        Integer count;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the generated pairs (default ${DEFAULT-VALUE}).")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (count != null && count < 1) {
                throw new IllegalArgumentException("--count must be at least 1, got " + count);
            }
            ClipModel model = options.load(true);
            float[][] images;
            List<String> captions;
            int[] groups;
            if (data.equals("shapes") || data.equals("fashion-mnist")) {
                DemoData d = DemoData.of(data, fashionDir, seed, model.config().vision().imageSize(), 2);
                DemoData.EvalSet set = d.retrievalSet(count != null ? count : data.equals("shapes") ? 1000 : 10_000);
                images = model.embedImages(set.images());
                captions = set.captions();
                groups = set.groups();
            } else {
                List<CsvPairs.Pair> pairs = CsvPairs.read(Path.of(data));
                if (count != null && pairs.size() > count) {
                    pairs = pairs.subList(0, count);
                }
                images = model.embedImageFiles(pairs.stream().map(CsvPairs.Pair::image).toList());
                captions = pairs.stream().map(CsvPairs.Pair::caption).toList();
                groups = RetrievalTask.groupsByCaption(captions);
            }
            RetrievalResult r = Retrieval.evaluate(images, groups, RetrievalTask.embedCaptions(model, captions), groups);
            out.print(r.format());
            out.printf(Locale.ROOT, "retrieval data=%s i2t_r1=%.4f t2i_r1=%.4f pairs=%d%n", data, r.imageToTextR1(),
                    r.textToImageR1(), r.images());
            return 0;
        }
    }
}
