package dev.jclip.cli;

import dev.jclip.compute.Parallel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.tensor.DerivedRandom;
import dev.jclip.tensor.OpProfile;
import dev.jclip.tensor.Tensor;
import dev.jclip.train.Batch;
import dev.jclip.train.StepLog;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jclip bench train}: training steps of a randomly initialized model on
 * random data, as the open_clip peer ({@code jclip-bench/peers/train_open_clip.py})
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

    @Option(names = "--threads", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = "--profile", arity = "0..1", fallbackValue = "wall", paramLabel = "wall|cpu",
            description = "Print the time per operation kind, forward and backward, of the timed steps, with the garbage "
                    + "collector's time and the bytes allocated: wall-clock time, or with 'cpu' the CPU time of the "
                    + "process (on a busy machine, the work rather than the wait).")
    String profile;

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkBatch("--batch", batch);
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--steps must be >= 1 and --warmup-steps >= 0");
        }
        LongSupplier clock = profile == null ? null : profileClock();
        ClipConfig cfg = ModelConfigArg.parse(modelConfig);
        Parallel pool = threads != null ? Parallel.of(threads) : Parallel.shared();
        Trainer trainer = new Trainer(ClipInit.random(cfg, seed), TrainConfig.builder().seed(seed).microBatch(microBatch).build(),
                pool);
        double seconds = 0;
        ProcessCounters before = null;
        for (int i = 0; i < warmup + steps; i++) {
            if (clock != null && i == warmup) {
                before = ProcessCounters.now();
                OpProfile.start(clock);
            }
            long t0 = System.nanoTime();
            StepLog log = trainer.step(randomBatch(cfg, pool, i));
            double dt = (System.nanoTime() - t0) / 1e9;
            boolean timed = i >= warmup;
            if (timed) {
                seconds += dt;
            }
            System.out.printf("%s %d loss=%.4f seconds=%.3f%n", timed ? "step" : "warmup", timed ? i - warmup : i,
                    log.loss(), dt);
        }
        if (clock != null) {
            OpProfile.Table table = OpProfile.stop();
            ProcessCounters used = ProcessCounters.now().minus(before);
            System.out.printf(Locale.ROOT, "%s profile of %d steps, threads %d (ms per step; backward of an op under its name)%n",
                    profile, steps, pool.threads());
            System.out.print(table.format(steps));
            double stepMs = used.cpuNanos() / 1e6 / steps;
            System.out.printf(Locale.ROOT, "step %.1f ms wall, %.1f ms cpu (%.2f cores); gc %.1f ms in %d collections, "
                            + "allocated %.0f MiB (per step)%n", seconds * 1e3 / steps, stepMs, stepMs / (seconds * 1e3 / steps),
                    used.gcMillis() / (double) steps, used.gcCount() / steps, used.allocatedBytes() / 1048576.0 / steps);
        }
        System.out.printf("train batch=%d samples_per_s=%.2f peak_rss_mb=%d%n", batch, batch * steps / seconds,
                ProcessStats.peakRssMb());
        pool.close();   // the shared pool stays open
        return 0;
    }

    private LongSupplier profileClock() {
        return switch (profile) {
            case "wall" -> System::nanoTime;
            case "cpu" -> ProcessStats::threadsCpuNanos;
            default -> throw new IllegalArgumentException("--profile is wall or cpu, got '" + profile + "'");
        };
    }

    /**
     * Random images and captions of step {@code step}: prompts of 2 to context tokens
     * ({@link RandomTokens}), zero padding. Each image is drawn from its own seed on the pool, as
     * PyTorch's {@code randn} is vectorized: drawn one after the other, the normals of 128 images of
     * 64 pixels took 66–79 ms a step on one thread while the others waited.
     */
    private Batch randomBatch(ClipConfig cfg, Parallel pool, int step) {
        int size = cfg.vision().imageSize(), ctx = cfg.text().contextLength(), vocab = cfg.text().vocabSize();
        int perImage = 3 * size * size;
        float[] pixels = new float[Math.multiplyExact(batch, perImage)];
        pool.run(() -> Parallel.forEach(batch, b -> System.arraycopy(
                Tensor.randn(DerivedRandom.of(seed, step, b), 1f, perImage).data(), 0, pixels, b * perImage, perImage)));
        SplittableRandom rng = DerivedRandom.of(seed, step);
        int[][] tokens = new int[batch][ctx];
        for (int[] row : tokens) {
            RandomTokens.fill(rng, row, 0, 2 + rng.nextInt(ctx - 1), vocab);
        }
        return new Batch(Tensor.of(pixels, batch, 3, size, size), tokens);
    }
}
