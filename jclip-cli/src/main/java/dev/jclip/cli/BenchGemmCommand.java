package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip bench gemm}: times {@link Gemm#sgemm} (or {@link Gemm#sgemmBatched}) on random
 * inputs and prints, last, {@code gemm m=M n=N k=K threads=T gflops=X} for the best repetition,
 * after the best GFLOP per CPU-second of its threads (steadier than wall time on a busy machine).
 * The same line comes from {@code jclip-bench/peers/gemm_numpy.py} for OpenBLAS. With
 * {@code --activation} a bias and that GELU are fused into the product (a transformer MLP's
 * first layer); several activations are timed in turn, round by round, so that a busy machine
 * slows them alike: each gets its own last line, {@code ... activation=A gflops=X}, after the
 * median per-round ratio of each to the first.
 */
@Command(name = "gemm", description = "Single-precision matrix multiply throughput (GFLOP/s, best repetition).")
final class BenchGemmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--m", required = true, description = "Rows of C.")
    int m;

    @Option(names = "--n", required = true, description = "Columns of C.")
    int n;

    @Option(names = "--k", required = true, description = "Inner dimension.")
    int k;

    @Option(names = "--threads", description = "Threads (default: -Djclip.threads or all processors).")
    Integer threads;

    @Option(names = "--batch", defaultValue = "1", description = "Independent products, as in attention (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--trans-a", description = "A is stored k×m.")
    boolean transA;

    @Option(names = "--trans-b", description = "B is stored n×k (a linear layer's weight).")
    boolean transB;

    @Option(names = "--packed-b", description = "Pack B once before timing (Gemm.packB), as for inference weights.")
    boolean packedB;

    @Option(names = "--activation", split = ",", paramLabel = "KIND", converter = ActivationConverter.class,
            description = "Fuse a bias and this GELU (quick, erf, tanh; comma-separated: each in turn).")
    List<Gelu> activations;

    @Option(names = "--warmup-seconds", defaultValue = "3",
            description = "Untimed runs first, for the JIT; more on a busy machine (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--reps", defaultValue = "10", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
    int reps;

    @Override
    public Integer call() {
        if (m < 1 || n < 1 || k < 1 || batch < 1 || reps < 1) {
            throw new IllegalArgumentException("--m, --n, --k, --batch and --reps must be positive");
        }
        if ((long) batch * Math.max((long) m * k, Math.max((long) k * n, (long) m * n)) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch × matrix size exceeds one Java array");
        }
        if (packedB && batch != 1) {
            throw new IllegalArgumentException("--packed-b works with --batch 1 only");
        }
        if (activations != null && batch != 1) {
            throw new IllegalArgumentException("--activation works with --batch 1 only");
        }
        try (Parallel pool = threads != null ? Parallel.of(threads) : Parallel.shared()) {
            pool.run(() -> measure(pool.threads()));
        }
        return 0;
    }

    /** Times the products on the bound pool of {@code threads} threads and prints the speeds. */
    private void measure(int threads) {
        PrintWriter out = spec.commandLine().getOut();
        float[] a = random(batch * m * k, 1), b = random(batch * k * n, 2), c = new float[batch * m * n];
        PackedB packed = packedB ? Gemm.packB(transB, k, n, b, 0, transB ? k : n) : null;
        List<Epilogue> epilogues = new ArrayList<>();
        if (activations == null) {
            epilogues.add(null);
        } else {
            float[] bias = random(n, 3);
            for (Gelu activation : activations) {
                epilogues.add(Epilogue.bias(bias).withGelu(activation));
            }
        }
        Consumer<Epilogue> product = epilogue -> {
            if (packed != null) {
                Gemm.sgemm(m, packed.n(), packed.k(), Operand.of(a, 0, transA ? m : k).transposed(transA), Operand.of(packed),
                        c, 0, n, false, epilogue);
            } else if (batch == 1) {
                Gemm.sgemm(m, n, k, Operand.of(a, 0, transA ? m : k).transposed(transA),
                        Operand.of(b, 0, transB ? k : n).transposed(transB),
                        c, 0, n, false, epilogue);
            } else {
                Gemm.sgemmBatched(transA, transB, batch, m, n, k, a, 0, transA ? m : k, m * k,
                        b, 0, transB ? k : n, k * n, c, 0, n, m * n, false);
            }
        };
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
            epilogues.forEach(product);
        }
        double flops = 2.0 * batch * m * n * k;
        double[] best = new double[epilogues.size()], bestCpu = new double[epilogues.size()];
        double[][] gflops = new double[reps][epilogues.size()];
        for (int r = 0; r < reps; r++) {
            for (int e = 0; e < epilogues.size(); e++) {
                long cpu = ProcessStats.threadsCpuNanos(), t = System.nanoTime();
                product.accept(epilogues.get(e));
                gflops[r][e] = flops / (System.nanoTime() - t);
                // Per CPU-second: what other processes on a busy machine take from the wall time does not count.
                double perCpu = flops / (ProcessStats.threadsCpuNanos() - cpu);
                best[e] = Math.max(best[e], gflops[r][e]);
                bestCpu[e] = Math.max(bestCpu[e], perCpu);
                out.printf("rep %d%s: %.1f GFLOP/s, %.1f GFLOP per CPU-second%n", r + 1,
                        activations == null ? "" : " " + label(activations.get(e)), gflops[r][e], perCpu);
            }
        }
        out.printf("batch=%d transA=%b transB=%b packedB=%b vector=%d floats, %s%n", batch, transA, transB, packedB,
                FloatVector.SPECIES_PREFERRED.length(), Runtime.version());
        for (int e = 0; e < epilogues.size(); e++) {
            out.printf("best%s: %.1f GFLOP per CPU-second%n", activations == null ? "" : " " + label(activations.get(e)), bestCpu[e]);
        }
        // Neighbouring products see nearly the same machine: their ratio is steadier than either speed.
        for (int e = 1; e < epilogues.size(); e++) {
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                ratio[r] = gflops[r][e] / gflops[r][0];
            }
            Arrays.sort(ratio);
            out.printf("%s/%s median per-round speed ratio %.3f%n", label(activations.get(e)), label(activations.get(0)),
                    (ratio[(reps - 1) / 2] + ratio[reps / 2]) / 2);
        }
        for (int e = 0; e < epilogues.size(); e++) {
            out.printf("gemm m=%d n=%d k=%d threads=%d%s gflops=%.1f%n", m, n, k, threads,
                    activations == null ? "" : " activation=" + label(activations.get(e)), best[e]);
        }
    }

    private static float[] random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** How the result lines name a GELU: quick, erf, tanh. */
    private static String label(Gelu gelu) {
        return gelu.name().toLowerCase(Locale.ROOT);
    }
}
