package dev.jclip.cli;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.PackedB;
import dev.jclip.kernel.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jclip bench gemm}: times {@link Gemm#sgemm} (or {@link Gemm#sgemmBatched}) on random
 * inputs and prints, last, {@code gemm m=M n=N k=K threads=T gflops=X} for the best repetition.
 * The same line comes from {@code jclip-bench/peers/gemm_numpy.py} for OpenBLAS.
 */
@Command(name = "gemm", description = "Single-precision matrix multiply throughput (GFLOP/s, best repetition).")
public final class BenchGemmCommand implements Callable<Integer> {
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
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        float[] a = random(batch * m * k, 1), b = random(batch * k * n, 2), c = new float[batch * m * n];
        PackedB packed = packedB ? Gemm.packB(transB, k, n, b, 0, transB ? k : n) : null;
        Runnable product = () -> {
            if (packed != null) {
                Gemm.sgemm(transA, m, a, 0, transA ? m : k, packed, c, 0, n, false, null);
            } else if (batch == 1) {
                Gemm.sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n, false);
            } else {
                Gemm.sgemmBatched(transA, transB, batch, m, n, k, a, 0, transA ? m : k, m * k,
                        b, 0, transB ? k : n, k * n, c, 0, n, m * n, false);
            }
        };
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
            product.run();
        }
        double flops = 2.0 * batch * m * n * k, best = 0;
        for (int r = 0; r < reps; r++) {
            long t = System.nanoTime();
            product.run();
            double gflops = flops / (System.nanoTime() - t);
            best = Math.max(best, gflops);
            System.out.printf("rep %d: %.1f GFLOP/s%n", r + 1, gflops);
        }
        System.out.printf("batch=%d transA=%b transB=%b packedB=%b vector=%d floats, %s%n", batch, transA, transB, packedB,
                FloatVector.SPECIES_PREFERRED.length(), Runtime.version());
        System.out.printf("gemm m=%d n=%d k=%d threads=%d gflops=%.1f%n", m, n, k, Parallel.threads(), best);
        return 0;
    }

    private static float[] random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
