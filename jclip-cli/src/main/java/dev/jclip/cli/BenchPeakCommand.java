package dev.jclip.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip bench peak}: the machine's float32 peak, the ceiling that the encoders' and
 * training's speeds are fractions of. Each of {@code --threads} threads runs independent chains of
 * vector fused multiply-adds on registers (more chains than an FMA's latency times the FMA units,
 * so the units never wait), with nothing read from or written to memory; all threads start
 * together. On a machine shared with other processes the wall-clock rate is the share this process
 * got; the rate per second of CPU time each thread actually ran ({@code gflops_per_core}) is the
 * machine's own, and {@code gflops_cpu} is that times the threads. The last line is
 * {@code peak threads=T vector=V gflops=X gflops_per_core=Y gflops_cpu=Z}, each the best repetition.
 */
@Command(name = "peak", description = "Float32 FMA peak of this machine (GFLOP/s, best repetition).")
final class BenchPeakCommand implements Callable<Integer> {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulators per thread: Zen 3 and 4 and recent Intel cores need 8 (latency 4, two units). */
    private static final int CHAINS = 12;
    /** FMA rounds per call: short calls get the loop compiled whole, not only on-stack-replaced. */
    private static final long CALL = 100_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = "--iterations", defaultValue = "200000000",
            description = "FMA rounds per thread and repetition (default ${DEFAULT-VALUE}).")
    long iterations;

    @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions, after one untimed (default ${DEFAULT-VALUE}).")
    int reps;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1 || iterations < 1 || reps < 1) {
            throw new IllegalArgumentException("--threads, --iterations and --reps must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        double flops = 2.0 * CHAINS * S.length() * iterations * t, best = 0, bestPerCore = 0;
        float sink = 0;
        for (int r = 0; r <= reps; r++) {
            float[] sums = new float[t];
            long[] cpu = new long[t];
            CyclicBarrier start = new CyclicBarrier(t + 1);
            Thread[] workers = new Thread[t];
            for (int i = 0; i < t; i++) {
                int id = i;
                workers[i] = Thread.ofPlatform().start(() -> {
                    await(start);
                    float sum = 0;
                    for (long done = 0; done < iterations; done += CALL) {
                        sum += chains((int) Math.min(CALL, iterations - done), 1 + id);
                    }
                    sums[id] = sum;
                    cpu[id] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                });
            }
            await(start);
            long t0 = System.nanoTime();
            for (Thread w : workers) {
                w.join();
            }
            double gflops = flops / (System.nanoTime() - t0), perCore = 0;
            for (long c : cpu) {
                perCore += flops / t / c / t;   // each thread's rate per CPU second, averaged
            }
            for (float s : sums) {
                sink += s;
            }
            if (r > 0) {
                best = Math.max(best, gflops);
                bestPerCore = Math.max(bestPerCore, perCore);
                out.printf(Locale.ROOT, "rep %d: %.1f GFLOP/s, %.1f per CPU second of a thread%n", r, gflops, perCore);
            }
        }
        // Printed so that the JIT cannot drop the chains as dead code.
        out.printf(Locale.ROOT, "checksum %.3f, %s%n", sink, Runtime.version());
        out.printf(Locale.ROOT, "peak threads=%d vector=%d gflops=%.1f gflops_per_core=%.1f gflops_cpu=%.1f%n", t, S.length(), best,
                bestPerCore, bestPerCore * t);
        return 0;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link #CHAINS} chains of {@code c = x·y + c}, summed (each grows by 1e-6 a round: no overflow, no
     * subnormals). The accumulator is the addend, as in a GEMM's micro-kernel: as the multiplicand
     * ({@code c·x + y}) C2's code ran at half the speed.
     */
    private static float chains(int iterations, int seed) {
        FloatVector x = FloatVector.broadcast(S, 0.001f), y = FloatVector.broadcast(S, 0.003f);
        // A float seed: broadcast(S, int) resolves to the long overload, whose vectors C2 ran
        // through this loop at half the speed (51 instead of 101 GFLOP/s a core on Zen 3).
        FloatVector c0 = FloatVector.broadcast(S, (float) seed), c1 = c0.add(1), c2 = c0.add(2), c3 = c0.add(3);
        FloatVector c4 = c0.add(4), c5 = c0.add(5), c6 = c0.add(6), c7 = c0.add(7);
        FloatVector c8 = c0.add(8), c9 = c0.add(9), c10 = c0.add(10), c11 = c0.add(11);
        for (int i = 0; i < iterations; i++) {
            c0 = x.fma(y, c0);
            c1 = x.fma(y, c1);
            c2 = x.fma(y, c2);
            c3 = x.fma(y, c3);
            c4 = x.fma(y, c4);
            c5 = x.fma(y, c5);
            c6 = x.fma(y, c6);
            c7 = x.fma(y, c7);
            c8 = x.fma(y, c8);
            c9 = x.fma(y, c9);
            c10 = x.fma(y, c10);
            c11 = x.fma(y, c11);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
