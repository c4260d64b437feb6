package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.eval.Retrieval;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.eval.ZeroShot;
import dev.jclip.eval.ZeroShotResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jclip eval zeroshot|retrieval}: evaluation of a model on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model: zero-shot classification or retrieval.",
        subcommands = {EvalCommand.ZeroShotCommand.class, EvalCommand.RetrievalCommand.class})
final class EvalCommand implements Runnable {
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
            EvalSets.Labelled set = EvalSets.zeroShot(dataset, data,
                    templates != null ? ClassifyCommand.entries(templates, "templates") : null, count,
                    model.config().vision().imageSize(), seed);
            ZeroShotClassifier zs = model.classifier(set.classNames(), set.templates());
            float[][] w = new float[set.classNames().size()][];
            for (int c = 0; c < w.length; c++) {
                w[c] = zs.classWeights(c);
            }
            ZeroShotResult r = ZeroShot.evaluate(set.images().embed(model), set.labels(), w);
            out.print(r.format(set.displayNames()));
            set.subsets().keySet().stream().sorted().forEach(k ->
                    out.printf(Locale.ROOT, "top1 over the %s classes: %.4f%n", k, r.top1Over(set.subsets().get(k))));
            // The ranking is the logits' either way; the kind says how the model turns them into probabilities.
            out.printf(Locale.ROOT, "probabilities: %s%n", zs.kind().description());
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
            EvalSets.Paired set = EvalSets.retrieval(data, fashionDir, count, model.config().vision().imageSize(), seed);
            float[][] images = set.images().embed(model);
            List<String> captions = set.captions();
            int[] groups = set.groups();
            RetrievalResult r = Retrieval.evaluate(images, groups, RetrievalTask.embedCaptions(model, captions), groups);
            out.print(r.format());
            out.printf(Locale.ROOT, "retrieval data=%s i2t_r1=%.4f t2i_r1=%.4f pairs=%d%n", data, r.imageToTextR1(),
                    r.textToImageR1(), r.images());
            return 0;
        }
    }
}
