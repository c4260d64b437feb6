package dev.jclip.bench;

import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Gemm} on the products of CLIP ViT-B/32 with 32 images (50 tokens each, width 768).
 * A shape is {@code batch×m×n×k:TT}, the two letters saying whether A and B are transposed
 * (N or T); GFLOP/s = 2·batch·m·n·k / time. Thread count: {@code -Djclip.threads} in
 * {@code -jvmArgsAppend}. Run:
 * {@code java --add-modules jdk.incubator.vector -jar jclip-bench/target/jclip-benchmarks.jar GemmBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class GemmBenchmark {

    @Param({
        "1x1600x2304x768:NT", // attention in-projection (q, k, v), forward
        "1x1600x768x768:NT",  // attention out-projection, forward
        "1x1600x3072x768:NT", // MLP c_fc, forward
        "1x1600x768x3072:NT", // MLP c_proj, forward
        "1x1600x3072x768:NN", // c_proj backward, input gradient
        "1x768x3072x1600:TN", // c_proj backward, weight gradient
        "384x50x50x64:NT",    // attention scores q·kᵀ, 12 heads × 32 images
        "384x50x64x50:NN",    // attention output p·v
    })
    public String shape;

    private int batch, m, n, k;
    private boolean transA, transB;
    private float[] a, b, c;

    @Setup
    public void setup() {
        String[] dims = shape.substring(0, shape.indexOf(':')).split("x");
        batch = Integer.parseInt(dims[0]);
        m = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        k = Integer.parseInt(dims[3]);
        transA = shape.charAt(shape.length() - 2) == 'T';
        transB = shape.charAt(shape.length() - 1) == 'T';
        a = random(batch * m * k, 1);
        b = random(batch * k * n, 2);
        c = new float[batch * m * n];
    }

    @Benchmark
    public float[] sgemm() {
        if (batch == 1) {
            Gemm.sgemm(m, n, k, Operand.of(a, 0, transA ? m : k).transposed(transA),
                    Operand.of(b, 0, transB ? k : n).transposed(transB),
                    c, 0, n, false, null);
        } else {
            Gemm.sgemmBatched(transA, transB, batch, m, n, k, a, 0, transA ? m : k, m * k,
                    b, 0, transB ? k : n, k * n, c, 0, n, m * n, false);
        }
        return c;
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
