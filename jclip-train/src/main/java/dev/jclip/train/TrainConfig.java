package dev.jclip.train;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings of a training run; {@link #builder()} starts from OpenCLIP's defaults.
 *
 * @param epochs          passes over the data
 * @param maxSteps        stop after this many steps in total (0: no limit)
 * @param microBatch      pairs embedded at once; a smaller value than the batch
 *                        size uses gradient caching, exact for any value (0: whole batch)
 * @param optimizer       AdamW hyper-parameters ({@code lr} is the schedule's base when no schedule is set)
 * @param schedule        learning rate per step
 * @param gradClipNorm    clip the global gradient norm to this (0: no clipping)
 * @param seed            the run's seed, saved in checkpoints (data order and any per-step randomness derive from it)
 * @param outputDir       where checkpoints go (null: none)
 * @param checkpointEvery also checkpoint every this many steps (0: only at the end of each epoch and of the run)
 * @param keepCheckpoints how many checkpoints to keep (the newest)
 * @param skipNonFinite   on a NaN/Inf loss or gradient, skip the update and count it instead of stopping
 * @param freeze          parameters left as they are (fine-tuning)
 * @param loss            the objective: CLIP's contrastive loss, or SigLIP's sigmoid loss (the model then needs a
 *                        {@code logit_bias}: {@link Loss#prepare})
 * @param onStep          called after every step
 */
public record TrainConfig(int epochs, long maxSteps, int microBatch, AdamW.Config optimizer, LrSchedule schedule,
                          double gradClipNorm, long seed, Path outputDir, long checkpointEvery, int keepCheckpoints,
                          boolean skipNonFinite, Freeze freeze, Loss loss, Consumer<StepLog> onStep) {

    public TrainConfig {
        if (epochs < 1 || maxSteps < 0 || microBatch < 0 || gradClipNorm < 0 || checkpointEvery < 0 || keepCheckpoints < 1) {
            throw new IllegalArgumentException("invalid training settings: epochs " + epochs + " (>= 1), maxSteps "
                    + maxSteps + " (>= 0), microBatch " + microBatch + " (>= 0), gradClipNorm " + gradClipNorm
                    + " (>= 0), checkpointEvery " + checkpointEvery + " (>= 0), keepCheckpoints " + keepCheckpoints + " (>= 1)");
        }
        Objects.requireNonNull(loss, "loss");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link TrainConfig}; unset fields keep OpenCLIP's defaults, the contrastive loss, a constant
     * learning rate and no checkpoints.
     */
    public static final class Builder {
        private int epochs = 1;
        private long maxSteps;
        private int microBatch;
        private AdamW.Config optimizer = AdamW.Config.openClip();
        private LrSchedule schedule;
        private double gradClipNorm;
        private long seed;
        private Path outputDir;
        private long checkpointEvery;
        private int keepCheckpoints = 3;
        private boolean skipNonFinite;
        private Freeze freeze = Freeze.none();
        private Loss loss = Loss.CONTRASTIVE;
        private Consumer<StepLog> onStep = log -> {};

        private Builder() {}

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder microBatch(int v) { microBatch = v; return this; }
        public Builder optimizer(AdamW.Config v) { optimizer = v; return this; }
        public Builder schedule(LrSchedule v) { schedule = v; return this; }
        public Builder gradClipNorm(double v) { gradClipNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder outputDir(Path v) { outputDir = v; return this; }
        public Builder checkpointEvery(long v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder skipNonFinite(boolean v) { skipNonFinite = v; return this; }
        public Builder freeze(Freeze v) { freeze = v; return this; }
        public Builder loss(Loss v) { loss = v; return this; }
        public Builder onStep(Consumer<StepLog> v) { onStep = v; return this; }

        public TrainConfig build() {
            LrSchedule s = schedule != null ? schedule : LrSchedule.constant(optimizer.lr(), 0);
            return new TrainConfig(epochs, maxSteps, microBatch, optimizer, s, gradClipNorm, seed, outputDir,
                    checkpointEvery, keepCheckpoints, skipNonFinite, freeze, loss, onStep);
        }
    }
}
