package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipWeights;
import dev.jclip.model.HalfWeights;
import dev.jclip.nn.Clip;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jclip bench encode}: inference throughput of one tower on random inputs
 * (weights from a file, or random ones of a preset). Warm-up repetitions run
 * first, then timed repetitions until {@code --seconds} have passed; the last
 * line is
 * {@code encode what=W model=M batch=B tokens=N items_per_s=X peak_rss_mb=R}
 * ({@code tokens} is the prompt length for text, 0 for images; {@code peak_rss_mb}
 * is the process's peak resident set, -1 where {@code /proc} is missing). With
 * {@code --weights-dtype bf16|f16} the model's matrices are kept in 16 bits ({@link HalfWeights});
 * an F16 or BF16 file is always used in its 16 bits.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Images or texts per second through one tower, on random inputs.")
final class BenchEncodeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "PATH", description = "Weights: safetensors file or model directory.")
    Path model;

    @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
            description = ActivationConverter.HELP)
    Gelu activation;

    @Mixin
    PresetOption preset;

    /** The tower to time. */
    enum What { image, text }

    @Option(names = "--what", required = true, description = "image or text.")
    What what;

    @Option(names = "--batch", defaultValue = "32", description = "Items per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--tokens", description = "Text prompt length, start and end tokens included (default: the context length).")
    Integer tokens;

    @Option(names = "--threads", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = "--seconds", defaultValue = "10", description = "Timed duration (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up duration, at least one repetition (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights and inputs.")
    long seed;

    @Option(names = "--weights-dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "f32 (default: the weights as loaded), bf16 or f16: round the matrices to 16 bits, kept so in memory.")
    String weightsDtype;

    @Override
    public Integer call() throws IOException {
        ModelOptions.checkBatch("--batch", batch);
        if (!(seconds > 0) || !(warmup >= 0)) {
            throw new IllegalArgumentException("--seconds must be positive and --warmup non-negative");
        }
        preset.requireOneOf(model);
        String name = preset.preset != null ? preset.preset : model.getFileName().toString();
        HalfType half = switch (weightsDtype.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> null;
            case "bf16", "bfloat16" -> HalfType.BF16;
            case "f16", "fp16", "float16" -> HalfType.F16;
            default -> throw new IllegalArgumentException("--weights-dtype must be f32, bf16 or f16, got " + weightsDtype);
        };
        Clip clip = preset.preset != null ? preset.random(seed) : ClipWeights.map(model, activation);
        clip.train(false);
        if (half != null) {
            HalfWeights.round(clip.stateDict(), half);
        }
        ClipConfig config = ClipConfig.of(clip);
        InferencePlan plan = InferencePlan.of(clip);
        Parallel pool = threads != null ? Parallel.of(threads) : Parallel.shared();
        SplittableRandom rng = new SplittableRandom(seed + 1);
        int length = 0;
        Runnable step;
        if (what == What.image) {
            if (tokens != null) {
                throw new IllegalArgumentException("--tokens applies to --what text only");
            }
            Tensor images = Tensor.randn(rng, 1f, batch, 3, config.vision().imageSize(), config.vision().imageWidth());
            step = () -> pool.run(() -> plan.encodeImage(images));
        } else {
            int context = config.text().contextLength();
            length = tokens != null ? tokens : context;
            int[] ids = randomPrompts(rng, batch, length, context, config.text().vocabSize());
            step = () -> pool.run(() -> plan.encodeText(ids));
        }
        System.out.printf(Locale.ROOT, "model %s (%s), %s, batch %d, threads %d, weights %s; peak rss after loading %d MiB%n",
                name, preset.preset != null ? "random weights" : "loaded", what, batch, pool.threads(), half == null ? "as stored" : half,
                ProcessStats.peakRssMb());

        int reps = 0;
        double elapsed;
        try (var _ = GradMode.noGrad()) {
            long start = System.nanoTime();
            do {
                step.run();
            } while (System.nanoTime() - start < warmup * 1e9);
            System.out.printf(Locale.ROOT, "warm-up %.1f s%n", (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            do {
                long t0 = System.nanoTime(), cpu0 = ProcessStats.cpuNanos();
                step.run();
                reps++;
                // CPU time shows how much of the wall time this process really ran on a shared machine.
                System.out.printf(Locale.ROOT, "rep %d: %.3f s, cpu %.3f s%n", reps, (System.nanoTime() - t0) / 1e9,
                        (ProcessStats.cpuNanos() - cpu0) / 1e9);
            } while (System.nanoTime() - start < seconds * 1e9);
            elapsed = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf(Locale.ROOT, "encode what=%s model=%s batch=%d tokens=%d items_per_s=%.2f peak_rss_mb=%d%n",
                what, name, batch, length, batch * reps / elapsed, ProcessStats.peakRssMb());
        return 0;
    }

    /** Token ids [batch, context] of random prompts {@code length} long ({@link RandomTokens}), then zero padding. */
    static int[] randomPrompts(SplittableRandom rng, int batch, int length, int context, int vocab) {
        if (length < 2 || length > context) {
            throw new IllegalArgumentException("--tokens must be in [2, " + context + "] (start and end tokens included), got " + length);
        }
        int[] ids = new int[batch * context];
        for (int i = 0; i < batch; i++) {
            RandomTokens.fill(rng, ids, i * context, length, vocab);
        }
        return ids;
    }
}
