package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import dev.jclip.eval.EvalTask;
import dev.jclip.eval.PeriodicEval;
import dev.jclip.io.JsonWriter;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.AdamW;
import dev.jclip.train.Checkpoints;
import dev.jclip.train.ExampleBatches;
import dev.jclip.train.Freeze;
import dev.jclip.train.Loss;
import dev.jclip.train.LrSchedule;
import dev.jclip.train.NonFiniteException;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jclip train}: contrastive or SigLIP ({@code --loss siglip}) training from
 * scratch ({@code --model-config}) or fine-tuning from weights ({@code --init}) on
 * image-caption pairs from any
 * jclip-data source ({@link TrainData}); bad items are counted and skipped.
 * Writes checkpoints ({@code step-NNNNNNNN/model.safetensors}, loadable by
 * OpenCLIP, and {@code trainer.safetensors}) and {@code log.jsonl} (one line per
 * step) into {@code --output}; {@code --resume latest} continues exactly from
 * the newest checkpoint that matches its checksums, skipping damaged ones.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train or fine-tune CLIP (contrastive or SigLIP loss) on image-caption pairs (CSV, caption folder, tar shards, demo sets), with exact resume.")
final class TrainCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--model-config", required = true,
                description = "Train from scratch: a preset name, an OpenCLIP model-config JSON file, or inline JSON.")
        String config;

        @Option(names = "--init", required = true, description = "Fine-tune: pretrained weights (safetensors file or model folder).")
        Path init;
    }

    @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
            description = ActivationConverter.HELP)
    Gelu activation;

    enum Schedule { cosine, constant, cooldown }

    enum Tower { image, text }

    enum LossName {
        contrastive(Loss.CONTRASTIVE), siglip(Loss.SIGLIP);

        final Loss loss;

        LossName(Loss loss) {
            this.loss = loss;
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    TrainData data;

    @Option(names = "--vocab", required = true,
            description = "Tokenizer vocabulary: bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json and merges.txt.")
    Path vocab;

    @Option(names = "--output", required = true, description = "Folder for checkpoints and log.jsonl.")
    Path output;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the data (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", required = true, description = "Pairs per optimizer step (the contrastive batch).")
    int batchSize;

    @Option(names = "--loss", defaultValue = "contrastive", paramLabel = "NAME",
            description = "contrastive (CLIP's softmax loss, default) or siglip (SigLIP's sigmoid loss with a learned logit_bias; "
                    + "from scratch logit_scale starts at ln 10 and logit_bias at -10; a model without one gets logit_bias -10).")
    LossName loss;

    @Option(names = "--micro-batch", defaultValue = "0",
            description = "Embed this many pairs at a time (gradient caching: same result, less memory); 0: whole batch.")
    int microBatch;

    @Option(names = "--lr", description = "Peak learning rate (default 5e-4, or 1e-5 with --finetune).")
    Double lr;

    @Option(names = "--wd", description = "AdamW weight decay (default 0.2, or 0.1 with --finetune).")
    Double wd;

    @Option(names = "--warmup", defaultValue = "0", description = "Linear warm-up steps (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, constant or cooldown (default ${DEFAULT-VALUE}).")
    Schedule schedule;

    @Option(names = "--cooldown", defaultValue = "0", description = "Steps of linear decay to 0 at the end, for --schedule cooldown.")
    long cooldown;

    @Option(names = "--grad-clip", defaultValue = "0", description = "Clip the global gradient norm to this (0: off).")
    double gradClip;

    @Option(names = "--finetune", description = "Fine-tuning preset: lower learning rate and decay.")
    boolean finetune;

    @Option(names = "--freeze", split = ",", description = "Towers to freeze: image, text (e.g. --freeze image for LiT).")
    List<Tower> freeze = List.of();

    @Option(names = "--unlock-last", defaultValue = "-1",
            description = "Train only the last K blocks (and heads) of each unfrozen tower; -1: all (default).")
    int unlockLast;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "OpenCLIP's RandomResizedCrop (scale 0.9-1) on training images; --no-augment: center crop.")
    boolean augment;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initialization, data order and crops (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from a checkpoint: 'latest' (the newest intact one in --output; newer damaged ones are "
            + "named and moved aside) or a checkpoint folder.")
    String resume;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Also checkpoint every N steps (0: per epoch and at the end).")
    long checkpointEvery;

    @Option(names = "--keep", defaultValue = "3", description = "Checkpoints kept (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps in total (0: no limit); the schedule still spans --epochs, so --resume continues the same run.")
    long maxSteps;

    @Option(names = "--skip-nonfinite", description = "Skip (and count) steps with a NaN/Inf loss or gradient instead of stopping.")
    boolean skipNonFinite;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "N",
            description = "Evaluate every N steps and at the end, one line per result in log.jsonl (0: never).")
    long evalEvery;

    @Option(names = "--eval-zeroshot", paramLabel = "NAME|DIR",
            description = "Zero-shot accuracy on shapes, fashion-mnist or a folder with one subfolder of images per class.")
    String evalZeroShot;

    @Option(names = "--eval-retrieval", paramLabel = "CSV|NAME",
            description = "Retrieval recall on a CSV of image_path,caption, shapes or fashion-mnist.")
    String evalRetrieval;

    @Option(names = "--eval-templates", paramLabel = "FILE", description = "Zero-shot prompt templates with {} (default: the data set's).")
    Path evalTemplates;

    @Option(names = "--eval-count", defaultValue = "1000", paramLabel = "N", description = "Images per evaluation set (default ${DEFAULT-VALUE}).")
    int evalCount;

    @Option(names = "--eval-data", paramLabel = "DIR", description = "Fashion-MNIST's folder for the evaluation (default: the Debian package's).")
    Path evalData;

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkBatch("--batch-size", batchSize);
        if (microBatch < 0) {
            throw new IllegalArgumentException("--micro-batch must be >= 0, got " + microBatch);
        }
        Clip loaded = source.init != null ? ClipWeights.load(source.init, activation) : ClipInit.random(ModelConfigArg.parse(source.config), seed);
        Clip model = loss.loss.prepare(loaded, source.init == null);
        ClipConfig cfg = ClipConfig.of(model);
        ClipTokenizer tokenizer = ClipTokenizer.load(vocab);
        if (tokenizer.vocabSize() != cfg.text().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer " + vocab + " has " + tokenizer.vocabSize()
                    + " ids, the model's text tower " + cfg.text().vocabSize());
        }
        List<EvalTask> evalTasks = evalTasks(cfg.vision().imageSize());
        SkippedItems skipped = new SkippedItems(System.err);
        TrainData.Opened opened = data.open(new ExampleBatches.Settings(batchSize, seed, tokenizer, cfg.text().contextLength(),
                cfg.vision().imageSize(), augment, data.workers, skipped));
        long total = epochs * opened.batches().batchesPerEpoch(); // the schedule's length, whatever --max-steps stops at

        AdamW.Config base = finetune ? AdamW.Config.fineTune() : AdamW.Config.openClip();
        AdamW.Config opt = new AdamW.Config(lr != null ? lr : base.lr(), base.beta1(), base.beta2(), base.eps(),
                wd != null ? wd : base.weightDecay());
        LrSchedule lrs = switch (schedule) {
            case cosine -> LrSchedule.cosine(opt.lr(), warmup, total);
            case constant -> LrSchedule.constant(opt.lr(), warmup);
            case cooldown -> LrSchedule.constantWithCooldown(opt.lr(), warmup, total, cooldown, 0);
        };
        TrainConfig.Builder config = TrainConfig.builder().epochs(epochs).maxSteps(maxSteps).microBatch(microBatch)
                .optimizer(opt).schedule(lrs).gradClipNorm(gradClip).seed(seed).outputDir(output)
                .checkpointEvery(checkpointEvery).keepCheckpoints(keep).skipNonFinite(skipNonFinite)
                .freeze(new Freeze(freeze.contains(Tower.image), freeze.contains(Tower.text), unlockLast)).loss(loss.loss);

        Path checkpoint = resume == null ? null : resume.equals("latest") ? latestIntact() : Path.of(resume);
        long startStep = checkpoint == null ? 0 : Checkpoints.stepOf(checkpoint);
        long stop = maxSteps > 0 ? Math.min(total, maxSteps) : total;
        Progress bar = Progress.onTerminal(new PrintWriter(System.err), stop, startStep, "steps");
        Files.createDirectories(output);
        try (ExampleBatches batches = opened.batches(); JsonlLog log = new JsonlLog(output.resolve("log.jsonl"), startStep)) {
            PeriodicEval evals = evalTasks.isEmpty() ? null : new PeriodicEval(model, tokenizer, evalEvery, evalTasks, log::write);
            Trainer trainer = new Trainer(model, config.onStep(s -> {
                log.write(s.writeMembers(new JsonWriter().beginObject()).name("bad_items").value(skipped.count()).endObject().toString());
                if (evals != null) {
                    evals.accept(s);
                }
                bar.update(s.step(), String.format(Locale.ROOT, "epoch %d loss %.4f lr %.2e %.1f samples/s%s", s.epoch() + 1,
                        s.loss(), s.lr(), s.samplesPerSecond(), s.skipped() ? " (skipped)" : ""));
            }).build());
            System.err.printf("training %,d trainable parameters on %,d pairs: %d steps of %d%s%n",
                    trainer.trainable().values().stream().mapToLong(t -> t.numel()).sum(), opened.pairs(), stop, batchSize,
                    checkpoint == null ? "" : ", resuming from " + checkpoint);
            if (checkpoint != null) {
                trainer.resume(checkpoint);
            }
            try {
                dev.jclip.train.Progress p;
                try {
                    p = trainer.fit(batches);
                } finally {
                    bar.finish(); // ends the bar's line before any message, whether training ends or fails
                }
                if (evals != null) {
                    long last = p.step();
                    evals.evaluate(last);
                    evals.history().stream().filter(e -> e.step() == last).forEach(e -> System.out.println("eval " + e.toJson()));
                }
                System.out.printf("done: %d steps (%d non-finite skipped), %d bad data items skipped, checkpoint %s%n",
                        p.step(), p.skipped(), skipped.count(),
                        new Checkpoints(output, keep).latest().map(Path::toString).orElse("none"));
                return 0;
            } catch (NonFiniteException e) {
                System.err.println("jclip train: " + e.getMessage());
                return 3;
            }
        }
    }

    /**
     * The newest checkpoint in {@code --output} whose files match their checksums; each newer, damaged
     * one is moved aside and named on stderr with the reason, so the run falls back to the one before.
     */
    private Path latestIntact() throws IOException {
        List<Path> damaged = new ArrayList<>();
        Optional<Path> intact = new Checkpoints(output, keep).latestIntact((e, movedTo) -> {
            damaged.add(movedTo);
            System.err.println("jclip train: skipped checkpoint " + e.checkpoint() + ": " + e.reason() + "; moved it to "
                    + movedTo + ", resuming from the one before");
        });
        return intact.orElseThrow(() -> new IllegalArgumentException("--resume latest: no " + (damaged.isEmpty() ? "" : "intact ")
                + "checkpoint in " + output + (damaged.isEmpty() ? "" : " (" + damaged.size() + " damaged, moved aside)")));
    }

    /** The evaluations asked for, on images for a model of {@code imageSize} pixels. */
    private List<EvalTask> evalTasks(int imageSize) throws IOException {
        if ((evalZeroShot != null || evalRetrieval != null) != evalEvery > 0) {
            throw new IllegalArgumentException("--eval-every N (N > 0) goes with --eval-zeroshot and/or --eval-retrieval");
        }
        if (evalCount < 1) {
            throw new IllegalArgumentException("--eval-count must be at least 1, got " + evalCount);
        }
        List<EvalTask> tasks = new ArrayList<>();
        if (evalZeroShot != null) {
            List<String> templates = evalTemplates == null ? null : ClassifyCommand.entries(evalTemplates, "templates");
            tasks.add(EvalSets.zeroShot(evalZeroShot, evalData, templates, evalCount, imageSize, seed).task(imageSize));
        }
        if (evalRetrieval != null) {
            tasks.add(EvalSets.retrieval(evalRetrieval, evalData, evalCount, imageSize, seed).task(imageSize));
        }
        return tasks;
    }
}
