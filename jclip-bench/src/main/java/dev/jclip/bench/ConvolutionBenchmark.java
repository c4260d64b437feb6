package dev.jclip.bench;

import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.PackedB;
import dev.jclip.op.Conv2d;
import dev.jclip.op.WinogradConv2d;
import dev.jclip.tensor.Tensor;
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
 * RN50's 3×3 convolutions (stride 1, padding 1, channels-last, a folded batch norm and ReLU) as
 * the ResNet plan runs them, by Winograd's F(2×2, 3×3) ({@link WinogradConv2d}) and as a product
 * over gathered rows ({@link Conv2d#infer}), each weight packed beforehand. A shape is
 * {@code images×size×channels} (as many channels out as in); the stem's and first two stages' run
 * on groups of two images, the last two stages' on a batch of 32. Thread count:
 * {@code -Djclip.threads} in {@code -jvmArgsAppend}. Run:
 * {@code java --add-modules jdk.incubator.vector -jar jclip-bench/target/jclip-benchmarks.jar ConvolutionBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ConvolutionBenchmark {

    @Param({"2x112x32", "2x56x64", "2x56x128", "32x28x128", "32x14x256", "32x7x512"})
    public String shape;

    private Tensor x, weight;
    private PackedB direct;
    private WinogradConv2d.Weight winograd;
    private Epilogue epilogue;
    private float[] out;

    @Setup
    public void setup() {
        String[] dims = shape.split("x");
        int n = Integer.parseInt(dims[0]), size = Integer.parseInt(dims[1]), c = Integer.parseInt(dims[2]);
        SplittableRandom rng = new SplittableRandom(1);
        x = Tensor.randn(rng, 1f, n, size, size, c);
        weight = Tensor.randn(rng, 0.05f, c, c, 3, 3);
        epilogue = Epilogue.affine(Tensor.randn(rng, 1f, c).data(), Tensor.randn(rng, 1f, c).data()).withRelu();
        direct = Conv2d.packWeight(weight);
        winograd = WinogradConv2d.packWeight(weight);
        out = new float[n * size * size * c];
    }

    @Benchmark
    public Tensor product() {
        return Conv2d.infer(x, false, weight, direct, 1, 1, epilogue, null, size -> out);
    }

    @Benchmark
    public Tensor winograd() {
        return WinogradConv2d.infer(x, winograd, epilogue, null, size -> out);
    }
}
