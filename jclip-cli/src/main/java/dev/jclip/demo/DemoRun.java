package dev.jclip.demo;

import dev.jclip.api.ClipModel;
import dev.jclip.eval.EvalTask;
import dev.jclip.eval.PeriodicEval;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.eval.ZeroShot;
import dev.jclip.eval.ZeroShotResult;
import dev.jclip.eval.ZeroShotTask;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.AdamW;
import dev.jclip.train.Batch;
import dev.jclip.train.StepLog;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One demo run: learn a small tokenizer from the training captions, train a CLIP from scratch on
 * the demo's data within a time or step budget (evaluating on small sets every few steps), evaluate
 * on the full sets, and save the model, the log and the report into the output folder.
 *
 * <p>The output folder gets {@code model/} (OpenCLIP weights with {@code vocab.json} and
 * {@code merges.txt} beside them: {@code jclip classify --model OUT/model} and
 * {@code jclip eval zeroshot --model OUT/model} load it), {@code log.jsonl} (one line per step, one
 * per evaluation) and {@code report.html}.
 */
final class DemoRun {
    /** Seconds kept for saving the model and writing the report at the end of a time budget. */
    private static final double FINISH_SECONDS = 5;

    /**
     * What a run produced: the data set's name, the recipe, the model's size, training steps and
     * times, the step logs and periodic evaluations, the final zero-shot (with the evaluation images
     * and their embeddings) and retrieval results, the class names (in prompts and for display), the
     * prompt templates, the trained model for inference, and the folder it was saved to.
     */
    public record Result(String data, Recipe recipe, long parameters, int vocabSize, long steps, double minutes,
                         double trainSeconds, List<StepLog> stepLogs, List<PeriodicEval.Point> evals, ZeroShotResult zeroShot,
                         Map<String, Double> zeroShotMetrics, RetrievalResult retrieval, DemoData.EvalSet zeroShotSet,
                         float[][] zeroShotEmbeddings, Map<String, int[]> subsets, List<String> classNames,
                         List<String> displayNames, List<String> templates, ClipModel model, String load) {}

    private final DemoData data;
    private final Recipe recipe;
    private final long seed, steps;
    private final Path output;
    private final PrintWriter progress;

    /**
     * @param steps    train exactly this many steps (the same run every time) instead of until
     *                 the recipe's time budget; 0 for the time budget
     * @param progress where progress lines go (stderr)
     */
    public DemoRun(DemoData data, Recipe recipe, long seed, long steps, Path output, PrintWriter progress) {
        this.data = data;
        this.recipe = recipe;
        this.seed = seed;
        this.steps = steps;
        this.output = output;
        this.progress = progress;
    }

    /** Trains, evaluates and writes everything; {@code start} is when the command began ({@link System#nanoTime()}). */
    public Result run(long start) throws IOException {
        long budgetEnd = start + (long) (recipe.minutes() * 60e9);
        Files.createDirectories(output);
        ClipTokenizer tokenizer = ClipTokenizer.fromMerges(BpeTrainer.learn(data.tokenizerCorpus(), recipe.merges(), 1));
        ClipConfig config = recipe.model(tokenizer.vocabSize());
        if (config.vision().imageSize() != data.imageSize()) {
            throw new IllegalArgumentException("the model takes " + config.vision().imageSize() + " px images, the "
                    + data.name() + " data is " + data.imageSize() + " px");
        }
        Clip model = recipe.loss().prepare(ClipInit.random(config, seed), true);
        long parameters = model.stateDict().parameters().values().stream().mapToLong(t -> t.numel()).sum();
        progress.printf(Locale.ROOT, "jclip demo %s: %,d parameters, %d-token vocabulary; %s%n", data.name(), parameters,
                tokenizer.vocabSize(), recipe.describe());

        List<EvalTask> small = List.of(zeroShotTask(data.zeroShotSet(recipe.evalImages())),
                retrievalTask(data.retrievalSet(recipe.evalPairs())));
        DemoData.EvalSet finalZs = data.zeroShotSet(recipe.finalImages());
        DemoData.EvalSet finalRet = data.retrievalSet(recipe.finalPairs());
        ZeroShotTask fullZs = zeroShotTask(finalZs);
        RetrievalTask fullRet = retrievalTask(finalRet);

        BudgetSchedule schedule = steps > 0 ? BudgetSchedule.steps(recipe.lr(), recipe.warmup(), steps)
                : BudgetSchedule.until(recipe.lr(), recipe.warmup(), budgetEnd);
        List<StepLog> logs = new ArrayList<>();
        long done = 0;
        try (BufferedWriter log = Files.newBufferedWriter(output.resolve("log.jsonl"), StandardCharsets.UTF_8)) {
            PeriodicEval periodic = new PeriodicEval(model, tokenizer, recipe.evalEvery(), small, line -> write(log, line));
            TrainConfig tc = TrainConfig.builder().seed(seed).loss(recipe.loss())
                    .optimizer(new AdamW.Config(recipe.lr(), 0.9, recipe.beta2(), 1e-6, recipe.weightDecay()))
                    .schedule(schedule).gradClipNorm(recipe.gradClip())
                    .onStep(s -> {
                        logs.add(s);
                        write(log, s.toJson());
                        periodic.accept(s);
                        if (s.step() % recipe.evalEvery() == 0) {
                            report(s, periodic.history(), start);
                        }
                    }).build();
            Trainer trainer = new Trainer(model, tc);
            int context = config.text().contextLength();
            long trainStart = System.nanoTime();
            // The next batch is made on another thread while the current one trains.
            ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "demo-batches");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<Batch> next = loader.submit(() -> batch(0, tokenizer, context));
                // A time budget always allows one step, so that there is a model to evaluate.
                while (steps > 0 ? done < steps
                        : done == 0 || System.nanoTime() < trainDeadline(schedule, budgetEnd, periodic, fullZs, fullRet)) {
                    Batch b = next.get();
                    long following = done + 1;
                    next = loader.submit(() -> batch(following, tokenizer, context));
                    trainer.step(b);
                    done++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                loader.shutdownNow();
            }
            double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
            periodic.evaluate(done);

            ClipModel inference = PeriodicEval.inference(model, tokenizer);
            long t0 = System.nanoTime();
            float[][] zsEmbeddings = inference.embedPreprocessed(fullZs.images());
            ZeroShotResult zs = ZeroShot.evaluate(zsEmbeddings, fullZs.labels(), fullZs.classWeights(inference));
            Map<String, Double> zsMetrics = fullZs.metrics(zs);
            long t1 = System.nanoTime();
            RetrievalResult ret = fullRet.evaluate(inference);
            long t2 = System.nanoTime();
            write(log, new PeriodicEval.Point(done, "zeroshot", fullZs.name() + "-final", zsMetrics, (t1 - t0) / 1e9).toJson());
            write(log, new PeriodicEval.Point(done, "retrieval", fullRet.name() + "-final", RetrievalTask.metrics(ret),
                    (t2 - t1) / 1e9).toJson());

            Path modelDir = output.resolve("model");
            Files.createDirectories(modelDir);
            ClipWeights.save(model, modelDir.resolve("open_clip_model.safetensors"));
            tokenizer.saveHuggingFace(modelDir);
            double minutes = (System.nanoTime() - start) / 60e9;
            return new Result(data.name(), recipe, parameters, tokenizer.vocabSize(), done, minutes, trainSeconds,
                    logs, periodic.history(), zs, zsMetrics, ret, finalZs, zsEmbeddings, data.subsets(), data.classNames(),
                    data.displayNames(), data.templates(), inference, modelDir.toString());
        }
    }

    private Batch batch(long step, ClipTokenizer tokenizer, int context) {
        DemoData.Pairs p = data.batch(step, recipe.batch());
        return new Batch(p.images(), tokenizer.tokenize(p.captions(), context, true).ids());
    }

    private ZeroShotTask zeroShotTask(DemoData.EvalSet s) {
        return new ZeroShotTask(data.name(), DemoData.tensors(s.images(), data.imageSize()), s.labels(), data.classNames(),
                data.templates(), data.subsets());
    }

    private RetrievalTask retrievalTask(DemoData.EvalSet s) {
        return new RetrievalTask(data.name(), DemoData.tensors(s.images(), data.imageSize()), s.captions(), s.groups());
    }

    /**
     * When training must stop to finish within the budget: the final evaluation takes about as long
     * per image as the last evaluation on the small sets did, and one more of those may come first;
     * then saving and the report.
     */
    private long trainDeadline(BudgetSchedule schedule, long budgetEnd, PeriodicEval periodic, ZeroShotTask zs, RetrievalTask ret) {
        List<PeriodicEval.Point> h = periodic.history();
        double perItem = 0.01, last = 0; // a guess until the first evaluation is measured
        if (h.size() >= 2) {
            last = h.get(h.size() - 2).seconds() + h.getLast().seconds();
            perItem = last / (recipe.evalImages() + recipe.evalPairs());
        }
        double reserve = 1.5 * perItem * (zs.images().size() + ret.images().size()) + last + FINISH_SECONDS;
        long deadline = budgetEnd - (long) (reserve * 1e9);
        schedule.deadline(deadline);
        return deadline;
    }

    private void report(StepLog s, List<PeriodicEval.Point> evals, long start) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%5.1f min  step %d  loss %.4f  logit_scale %.2f%s  lr %.2e  %.0f pairs/s", (System.nanoTime() - start) / 60e9,
                s.step(), s.loss(), Math.exp(s.logitScale()),
                s.logitBias() == null ? "" : String.format(Locale.ROOT, "  logit_bias %.2f", s.logitBias()), s.lr(),
                s.samplesPerSecond()));
        for (PeriodicEval.Point p : evals) {
            if (p.step() == s.step()) {
                p.metrics().forEach((k, v) -> {
                    if (k.startsWith("top1") || k.equals("t2i_r1")) {
                        line.append(String.format(Locale.ROOT, "  %s %.3f", k, v));
                    }
                });
            }
        }
        progress.println(line);
        progress.flush();
    }

    private static void write(BufferedWriter log, String line) {
        try {
            log.write(line);
            log.newLine();
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo log", e);
        }
    }
}
