package dev.jclip.train;

import dev.jclip.compute.Parallel;
import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.OpProfile;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Training of a CLIP model: CLIP's symmetric InfoNCE loss or SigLIP's sigmoid
 * loss ({@link TrainConfig#loss()}), AdamW with
 * OpenCLIP's decay rule, a learning-rate schedule, optional global-norm
 * clipping, exact large batches through {@link GradCache gradient caching},
 * {@code logit_scale} clamped to {@code [0, ln 100]} after every step, and
 * checkpoints that let an interrupted run continue bit for bit.
 *
 * <pre>{@code
 * Trainer t = new Trainer(model, TrainConfig.builder().epochs(2).microBatch(32).outputDir(out).build());
 * t.resume(Path.of("out/step-00000100"));   // optional
 * t.fit(EpochData.of(batches));
 * }</pre>
 *
 * <p>A checkpoint folder holds {@code model.safetensors} (every parameter and
 * buffer under its original state-dict name, as OpenCLIP loads it) and
 * {@code trainer.safetensors} (AdamW's moments as {@code exp_avg.NAME} and
 * {@code exp_avg_sq.NAME}; the seed, the loss and the {@link Progress} counters
 * in its metadata). Nothing in the trainer keeps random state between steps, so these
 * are all the state there is. Single-threaded over its own loops, and the ops
 * are deterministic, so a seed gives the same bits whatever the thread count.
 */
public final class Trainer {
    /** {@code logit_scale} is clamped to {@code [0, ln 100]}: the temperature never exceeds 100. */
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);
    static final String MODEL_FILE = "model.safetensors";
    static final String STATE_FILE = "trainer.safetensors";
    private static final String FORMAT = "jclip-train/1";

    private final Clip model;
    private final TrainConfig config;
    private final Parallel parallel;
    private final Map<String, Tensor> parameters, stateDict, trainable;
    private final AdamW optimizer;
    private final Tensor logitScale, logitBias;
    private final boolean imageTrains, textTrains;
    private final Checkpoints checkpoints;
    /** The activations and gradients of a step, reused by the next one. */
    private final Workspace workspace = new Workspace();
    private Progress progress = Progress.start();
    private long savedStep = -1;

    /** A trainer of {@code model} computing on {@link Parallel#shared()}, all available processors. */
    public Trainer(Clip model, TrainConfig config) {
        this(model, config, Parallel.shared());
    }

    /** A trainer of {@code model} computing on {@code parallel}'s threads (the same bits on any pool). */
    public Trainer(Clip model, TrainConfig config, Parallel parallel) {
        this.model = model;
        this.config = config;
        this.parallel = Objects.requireNonNull(parallel);
        this.parameters = model.stateDict().parameters();
        this.stateDict = model.stateDict().all();
        this.logitScale = parameters.get("logit_scale");
        this.logitBias = parameters.get("logit_bias");
        if (config.loss() == Loss.SIGLIP && logitBias == null) {
            throw new IllegalArgumentException("the sigmoid (siglip) loss needs a model with a logit_bias; "
                    + "Loss.SIGLIP.prepare(model, fromScratch) gives one");
        }
        this.trainable = config.freeze().trainable(parameters);
        this.optimizer = new AdamW(trainable, config.optimizer());
        this.imageTrains = trainable.keySet().stream().anyMatch(Freeze::isImage);
        this.textTrains = trainable.keySet().stream().anyMatch(n -> !Freeze.isImage(n) && !Freeze.isLogitParameter(n));
        this.checkpoints = config.outputDir() == null ? null : new Checkpoints(config.outputDir(), config.keepCheckpoints());
    }

    /** Where the run stands. */
    public Progress progress() {
        return progress;
    }

    /** The parameters that train (after {@link Freeze}), by name. */
    public Map<String, Tensor> trainable() {
        return trainable;
    }

    /**
     * Trains until {@link TrainConfig#epochs()} are done or {@link TrainConfig#maxSteps()}
     * reached, checkpointing as configured and at the end. Continues from
     * {@link #progress()}, so after {@link #resume} it picks up at the next batch.
     *
     * @throws NonFiniteException on a NaN/Inf loss or gradient unless {@link TrainConfig#skipNonFinite()}
     */
    public Progress fit(EpochData data) throws IOException {
        while (progress.epoch() < config.epochs() && !stepLimitReached()) {
            Iterator<Batch> it = data.batches(progress.epoch(), progress.batchInEpoch());
            while (it.hasNext() && !stepLimitReached()) {
                step(it.next());
                if (config.checkpointEvery() > 0 && progress.step() % config.checkpointEvery() == 0) {
                    saveCheckpoint();
                }
            }
            if (!it.hasNext()) {
                progress = new Progress(progress.step(), progress.epoch() + 1, 0, progress.skipped());
                saveCheckpoint();
            }
        }
        saveCheckpoint();
        return progress;
    }

    /** {@link #fit(EpochData)} over the same batches every epoch. */
    public Progress fit(Iterable<Batch> data) throws IOException {
        return fit(EpochData.of(data));
    }

    private boolean stepLimitReached() {
        return config.maxSteps() > 0 && progress.step() >= config.maxSteps();
    }

    /**
     * One optimizer step on {@code batch} (which counts as the next batch of the
     * current epoch): gradients of the configured loss, a finiteness check,
     * clipping, AdamW at the schedule's rate, then the clamp of {@code logit_scale}.
     * The step's results and gradients live in the trainer's {@link Workspace}, whose
     * arrays the next step reuses; {@link TrainConfig#onStep()} runs after it, outside.
     */
    public StepLog step(Batch batch) {
        return parallel.call(() -> {
            StepLog log = workspace.run(() -> stepOnPool(batch));
            config.onStep().accept(log);
            return log;
        });
    }

    private StepLog stepOnPool(Batch batch) {
        long t0 = System.nanoTime();
        OpProfile.mark();
        model.train(true);
        parameters.values().forEach(Tensor::zeroGrad);
        int micro = config.microBatch() == 0 ? batch.size() : config.microBatch();
        float loss = GradCache.lossAndGradients(model, batch, micro, imageTrains, textTrains, config.loss());
        List<Tensor> params = List.copyOf(trainable.values());
        double norm = OpProfile.time("GradClip", () -> config.gradClipNorm() > 0
                ? GradClip.clip(params, config.gradClipNorm()) : GradClip.globalNorm(params));
        double lr = config.schedule().lr(progress.step());
        boolean finite = Float.isFinite(loss) && Double.isFinite(norm);
        if (!finite && !config.skipNonFinite()) {
            parameters.values().forEach(Tensor::zeroGrad);
            throw new NonFiniteException(nonFiniteMessage(loss, norm));
        }
        if (finite) {
            OpProfile.time("AdamW.step", () -> {
                optimizer.step(lr);
                return null;
            });
            float[] s = logitScale.data();
            s[0] = Math.clamp(s[0], 0f, MAX_LOGIT_SCALE);
        }
        parameters.values().forEach(Tensor::zeroGrad);
        progress = new Progress(progress.step() + 1, progress.epoch(), progress.batchInEpoch() + 1,
                progress.skipped() + (finite ? 0 : 1));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new StepLog(progress.step(), progress.epoch(), loss, lr, logitScale.item(),
                logitBias == null ? null : logitBias.item(), norm,
                batch.size() / seconds, !finite);
    }

    private String nonFiniteMessage(float loss, double norm) {
        String what = !Float.isFinite(loss) ? "loss is " + loss : "gradient norm is " + norm + " (loss " + loss + ")";
        String last;
        try {
            last = checkpoints == null ? "no checkpoints are being written"
                    : checkpoints.latest().map(p -> "the last good checkpoint is " + p + "; resume from it")
                            .orElse("no checkpoint was written yet");
        } catch (IOException e) {
            last = "the checkpoint folder could not be listed: " + e.getMessage();
        }
        return "step " + (progress.step() + 1) + " (epoch " + progress.epoch() + ", batch " + progress.batchInEpoch()
                + "): " + what + "; stopped before the update, the model is that of step " + progress.step() + ", "
                + last + " (to skip such steps instead, enable skipping non-finite steps)";
    }

    /**
     * Writes a checkpoint of the current state into the output folder (no-op
     * without one, or when this step is already saved). Returns its folder or null.
     */
    public Path saveCheckpoint() throws IOException {
        if (checkpoints == null || savedStep == progress.step()) {
            return null;
        }
        Path p = checkpoints.save(progress.step(), this::writeCheckpoint);
        savedStep = progress.step();
        return p;
    }

    private void writeCheckpoint(Path folder) throws IOException {
        ClipWeights.save(model, folder.resolve(MODEL_FILE));

        SafeTensorsWriter state = new SafeTensorsWriter()
                .metadata("format", FORMAT)
                .metadata("seed", Long.toString(config.seed()))
                .metadata("loss", config.loss().id())
                .metadata("step", Long.toString(progress.step()))
                .metadata("epoch", Integer.toString(progress.epoch()))
                .metadata("batch_in_epoch", Long.toString(progress.batchInEpoch()))
                .metadata("skipped", Long.toString(progress.skipped()))
                .metadata("optimizer_step", Long.toString(optimizer.stepCount()));
        List<String> names = optimizer.names();
        for (int i = 0; i < names.size(); i++) {
            int[] shape = trainable.get(names.get(i)).shape();
            state.add("exp_avg." + names.get(i), optimizer.expAvg(i), shape);
            state.add("exp_avg_sq." + names.get(i), optimizer.expAvgSq(i), shape);
        }
        state.write(folder.resolve(STATE_FILE));
    }

    /**
     * Restores weights, optimizer moments and progress from a checkpoint folder
     * written by {@link #saveCheckpoint()}; training then continues exactly as
     * the saved run would have. The checkpoint must come from the same model
     * shape, the same frozen set, the same seed and the same loss, and pass
     * {@link Checkpoints#verify} (else {@link DamagedCheckpointException}).
     */
    public void resume(Path checkpoint) throws IOException {
        Checkpoints.verify(checkpoint);
        Path modelFile = checkpoint.resolve(MODEL_FILE), stateFile = checkpoint.resolve(STATE_FILE);
        for (Path p : List.of(modelFile, stateFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("cannot resume from " + checkpoint + ": " + p.getFileName()
                        + " is missing (a checkpoint folder holds " + MODEL_FILE + " and " + STATE_FILE + ")");
            }
        }
        Progress restored;
        long optimizerStep;
        Map<String, float[][]> moments = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(stateFile)) {
            Map<String, String> meta = st.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new IllegalArgumentException(stateFile + " is not a " + FORMAT + " trainer state (format "
                        + meta.get("format") + ")");
            }
            long seed = Long.parseLong(meta.get("seed"));
            if (seed != config.seed()) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " was made with seed " + seed
                        + ", this run has seed " + config.seed() + "; use the same seed to continue it exactly");
            }
            // Checkpoints from before the sigmoid loss have no "loss": they were contrastive.
            String loss = meta.getOrDefault("loss", Loss.CONTRASTIVE.id());
            if (!loss.equals(config.loss().id())) {
                throw new IllegalArgumentException("checkpoint " + checkpoint + " was trained with the " + loss
                        + " loss, this run uses " + config.loss().id() + "; use the same loss to continue it");
            }
            restored = new Progress(Long.parseLong(meta.get("step")), Integer.parseInt(meta.get("epoch")),
                    Long.parseLong(meta.get("batch_in_epoch")), Long.parseLong(meta.get("skipped")));
            optimizerStep = Long.parseLong(meta.get("optimizer_step"));
            long expected = 2L * trainable.size();
            if (st.names().size() != expected) {
                throw new IllegalArgumentException(stateFile + " holds optimizer state for " + st.names().size() / 2
                        + " parameters, this run trains " + trainable.size() + "; was a different set frozen?");
            }
            for (String name : optimizer.names()) {
                Tensor p = trainable.get(name);
                moments.put(name, new float[][] {read(st, "exp_avg." + name, p), read(st, "exp_avg_sq." + name, p)});
            }
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(modelFile)) {
            for (var e : stateDict.entrySet()) {
                weights.put(e.getKey(), read(st, e.getKey(), e.getValue()));
            }
        }
        // Everything was read and checked: only now change the model and the optimizer.
        stateDict.forEach((name, t) -> System.arraycopy(weights.get(name), 0, t.data(), 0, t.numel()));
        List<String> names = optimizer.names();
        for (int i = 0; i < names.size(); i++) {
            float[][] m = moments.get(names.get(i));
            System.arraycopy(m[0], 0, optimizer.expAvg(i), 0, m[0].length);
            System.arraycopy(m[1], 0, optimizer.expAvgSq(i), 0, m[1].length);
        }
        optimizer.restoreStepCount(optimizerStep);
        progress = restored;
        savedStep = restored.step();
    }

    private static float[] read(SafeTensors st, String name, Tensor like) {
        if (!st.contains(name)) {
            throw new IllegalArgumentException(st.path() + " has no tensor '" + name + "'");
        }
        int[] shape = st.info(name).shape();
        if (!Arrays.equals(shape, like.shape())) {
            throw new IllegalArgumentException("tensor '" + name + "' in " + st.path() + " has shape "
                    + Arrays.toString(shape) + ", the model's is " + Arrays.toString(like.shape()));
        }
        return st.floats(name);
    }
}
