package dev.jclip.cli;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.tensor.DerivedRandom;
import dev.jclip.tensor.Tensor;
import dev.jclip.train.Batch;
import dev.jclip.train.StepLog;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jclip bench train}: training steps of a randomly initialized model on
 * random data, as the PyTorch peer ({@code jclip-bench/peers/train_torch.py})
 * runs them: OpenCLIP's AdamW, new random images and captions every step
 * (start token, random ids, end token, zero padding), warm-up steps untimed.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training throughput on random data. Last line: train batch=B samples_per_s=X peak_rss_mb=Y")
final class TrainBenchCommand implements Callable<Integer> {
    @Option(names = "--model-config", required = true, description = "Preset name, OpenCLIP JSON file, or inline JSON.")
    String modelConfig;

    @Option(names = "--batch", defaultValue = "128", description = "Pairs per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup-steps", defaultValue = "2", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--micro-batch", defaultValue = "0", description = "Gradient-caching micro-batch (0: whole batch).")
    int microBatch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights and data (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkBatch("--batch", batch);
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--steps must be >= 1 and --warmup-steps >= 0");
        }
        ClipConfig cfg = ModelConfigArg.parse(modelConfig);
        Trainer trainer = new Trainer(ClipInit.random(cfg, seed), TrainConfig.builder().seed(seed).microBatch(microBatch).build());
        double seconds = 0;
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            StepLog log = trainer.step(randomBatch(cfg, DerivedRandom.of(seed, i)));
            double dt = (System.nanoTime() - t0) / 1e9;
            boolean timed = i >= warmup;
            if (timed) {
                seconds += dt;
            }
            System.out.printf("%s %d loss=%.4f seconds=%.3f%n", timed ? "step" : "warmup", timed ? i - warmup : i,
                    log.loss(), dt);
        }
        System.out.printf("train batch=%d samples_per_s=%.2f peak_rss_mb=%d%n", batch, batch * steps / seconds,
                ProcessStats.peakRssMb());
        return 0;
    }

    /** Random images and captions: prompts of 2 to context tokens ({@link RandomTokens}), zero padding. */
    private Batch randomBatch(ClipConfig cfg, SplittableRandom rng) {
        int size = cfg.vision().imageSize(), ctx = cfg.text().contextLength(), vocab = cfg.text().vocabSize();
        Tensor images = Tensor.randn(rng, 1f, batch, 3, size, size);
        int[][] tokens = new int[batch][ctx];
        for (int[] row : tokens) {
            RandomTokens.fill(rng, row, 0, 2 + rng.nextInt(ctx - 1), vocab);
        }
        return new Batch(images, tokens);
    }
}
