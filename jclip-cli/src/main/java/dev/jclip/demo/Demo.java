package dev.jclip.demo;

import dev.jclip.model.ClipConfig;
import dev.jclip.train.Loss;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/** The {@code jclip demo} job: picks the data and recipe, runs, writes the report and makes the result line. */
public final class Demo {
    /** Recipe settings given on the command line (null: the recipe's). */
    public record Overrides(Double minutes, ClipConfig model, Integer batch, Double lr, Double wd, Long warmup, Long evalEvery,
                            Integer evalImages, Integer evalPairs, Integer finalImages, Integer finalPairs, Double sizeDropout,
                            Double twoShapes, Double grey, Loss loss) {}

    private Demo() {}

    /**
     * Runs demo {@code name} ({@code shapes} or {@code fashion-mnist}) into {@code output}; prints
     * progress to {@code progress}, the evaluation to {@code out}; returns the result line.
     */
    public static String run(String name, Path dataDir, Path output, long seed, long steps, Overrides o, PrintWriter progress,
                             PrintWriter out, long start) throws IOException {
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
        }
        Recipe recipe = switch (name) {
            case "shapes" -> Recipe.shapes();
            case "fashion-mnist" -> Recipe.fashionMnist();
            default -> throw new IllegalArgumentException("unknown demo '" + name + "': shapes or fashion-mnist");
        };
        recipe = apply(recipe, o);
        String loadBefore = load();
        DemoData data = DemoData.of(name, dataDir, seed, recipe.model().vision().imageSize(), recipe.batch(), recipe.mix());
        DemoRun.Result r = new DemoRun(data, recipe, seed, steps, output, progress).run(start);
        String machine = String.format(Locale.ROOT, "%d cores (%s, Java %s); load average %s at the start, %s at the end",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), Runtime.version(), loadBefore, load());
        Report.write(r, machine, output.resolve("report.html"));
        out.print(r.zeroShot().format(r.displayNames()));
        out.print(r.retrieval().format());
        out.printf(Locale.ROOT, "%d steps in %.1f s; report %s; model %s%n", r.steps(), r.trainSeconds(),
                output.resolve("report.html"), r.load());
        out.flush();
        double minutes = (System.nanoTime() - start) / 60e9;
        String line = String.format(Locale.ROOT, "demo=%s zeroshot_top1=%.3f retrieval_r1=%.3f minutes=%.2f", r.data(),
                r.zeroShot().top1(), r.retrieval().textToImageR1(), minutes);
        Double held = r.zeroShotMetrics().get("top1_heldout");
        return held == null ? line : line + String.format(Locale.ROOT, " heldout_top1=%.3f", held);
    }

    private static Recipe apply(Recipe r, Overrides o) {
        if (o.model() != null) {
            r = r.withModel(o.model());
        }
        r = r.withTraining(o.batch() != null ? o.batch() : r.batch(), o.lr() != null ? o.lr() : r.lr(),
                o.wd() != null ? o.wd() : r.weightDecay(), o.warmup() != null ? o.warmup() : r.warmup());
        if (o.minutes() != null) {
            if (!(o.minutes() > 0)) {
                throw new IllegalArgumentException("--minutes must be positive, got " + o.minutes());
            }
            r = r.withBudget(o.minutes());
        }
        r = r.withEval(o.evalEvery() != null ? o.evalEvery() : r.evalEvery(), o.evalImages() != null ? o.evalImages() : r.evalImages(),
                o.evalPairs() != null ? o.evalPairs() : r.evalPairs(), o.finalImages() != null ? o.finalImages() : r.finalImages(),
                o.finalPairs() != null ? o.finalPairs() : r.finalPairs());
        if (o.loss() != null) {
            r = r.withLoss(o.loss());
        }
        ShapesData.Mix m = r.mix();
        r = r.withMix(new ShapesData.Mix(o.sizeDropout() != null ? o.sizeDropout() : m.sizeDropout(),
                o.twoShapes() != null ? o.twoShapes() : m.twoShapes(), o.grey() != null ? o.grey() : m.grey()));
        if (r.batch() < 2 || r.evalEvery() < 1 || r.evalImages() < 1 || r.evalPairs() < 1 || r.finalImages() < 1 || r.finalPairs() < 1) {
            throw new IllegalArgumentException("batch size must be >= 2, evaluation interval and set sizes >= 1");
        }
        return r;
    }

    private static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", l);
    }
}
