package dev.jclip.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The ONNX Runtime peer of {@code jclip bench encode}: throughput of one exported CLIP encoder
 * (from {@code jclip-bench/peers/export_onnx.py}) on random inputs, on the CPU.
 *
 * <pre>
 * java -cp jclip-bench/target/jclip-benchmarks.jar dev.jclip.bench.OrtEncodeBench \
 *     --onnx FILE --what image|text --batch B [--tokens N] [--threads T] [--seconds S]
 * </pre>
 *
 * The last line printed is {@code encode what=W model=M batch=B tokens=N items_per_s=X peer=onnxruntime},
 * the same form as jclip's own line, so the two can be put side by side.
 */
public final class OrtEncodeBench {
    /** CLIP's vocabulary: its last two ids are the start and end tokens (the end token, the highest id, is pooled by argmax). */
    static final int CLIP_VOCAB = 49408;
    private static final int WARMUP_BATCHES = 2;

    private OrtEncodeBench() {}

    /** Options as given on the command line, checked before anything is loaded. */
    private record Options(Path onnx, String what, int batch, int tokens, int threads, double seconds) {
        static Options parse(String[] args) {
            Map<String, String> o = pairs(args, Set.of("--onnx", "--what", "--batch", "--tokens", "--threads", "--seconds"),
                    Options::usage);
            Path onnx = o.containsKey("--onnx") ? Path.of(o.get("--onnx")) : null;
            String what = o.get("--what");
            int batch = intArg(o, "--batch", 0), tokens = intArg(o, "--tokens", 0), threads = intArg(o, "--threads", 2);
            double seconds = Double.parseDouble(o.getOrDefault("--seconds", "10"));
            if (onnx == null || !Files.isRegularFile(onnx)) throw usage("--onnx must name an ONNX file, got " + onnx);
            if (!"image".equals(what) && !"text".equals(what)) throw usage("--what must be image or text, got " + what);
            if (batch < 1) throw usage("--batch must be at least 1");
            if (threads < 1) throw usage("--threads must be at least 1");
            if (!(seconds > 0)) throw usage("--seconds must be positive");
            if (tokens != 0 && tokens < 2) throw usage("--tokens counts start and end, so it must be at least 2");
            return new Options(onnx, what, batch, tokens, threads, seconds);
        }

        private static IllegalArgumentException usage(String why) {
            return new IllegalArgumentException(why + "\nusage: OrtEncodeBench --onnx FILE --what image|text --batch B"
                    + " [--tokens N] [--threads T (2)] [--seconds S (10)]");
        }
    }

    /** {@code args} parsed, or the usage error printed and the process ended with status 2. */
    static <T> T options(String[] args, Function<String[], T> parse) {
        try {
            return parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    /**
     * The {@code --name value} pairs of {@code args}, each name one of {@code names} (a later pair
     * overriding an earlier one); {@code usage} makes the error for a name without a value or unknown.
     */
    static Map<String, String> pairs(String[] args, Set<String> names, Function<String, IllegalArgumentException> usage) {
        Map<String, String> pairs = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw usage.apply("missing value after " + args[i]);
            if (!names.contains(args[i])) throw usage.apply("unknown option " + args[i]);
            pairs.put(args[i], args[i + 1]);
        }
        return pairs;
    }

    /** The integer value of option {@code name} among {@code pairs}, or {@code otherwise} when absent. */
    static int intArg(Map<String, String> pairs, String name, int otherwise) {
        String v = pairs.get(name);
        return v == null ? otherwise : intArg(name, v);
    }

    static int intArg(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got " + v);
        }
    }

    /** The peer's configuration: {@code threads} intra-op threads, sequential, all graph optimizations. */
    static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return opts;
    }

    public static void main(String[] args) throws OrtException {
        Options o = options(args, Options::parse);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = sessionOptions(o.threads());
             OrtSession session = env.createSession(o.onnx().toString(), opts)) {
            run(env, session, o);
        }
    }

    /**
     * The encoder's input as this benchmark feeds it: its name, its shape with the batch filled in,
     * and the prompt length (0 for images), after checking that the graph is an encoder of that kind.
     */
    record Input(String name, long[] shape, int tokens) {
        static Input of(OrtSession session, Path onnx, String what, int batch, int tokensOption) throws OrtException {
            Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
            long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape().clone();
            boolean image = what.equals("image");
            if (shape.length != (image ? 4 : 2)) {
                throw new IllegalArgumentException(onnx + ": input " + input.getKey() + " has shape "
                        + Arrays.toString(shape) + ", not that of an " + what + " encoder");
            }
            shape[0] = batch;
            int ctx = image ? 0 : (int) shape[1];
            int tokens = image ? 0 : (tokensOption == 0 ? ctx : tokensOption);
            if (tokens > ctx) throw new IllegalArgumentException("--tokens " + tokens + " exceeds the context length " + ctx);
            return new Input(input.getKey(), shape, tokens);
        }
    }

    private static void run(OrtEnvironment env, OrtSession session, Options o) throws OrtException {
        Input in = Input.of(session, o.onnx(), o.what(), o.batch(), o.tokens());
        long[] shape = in.shape();
        int tokens = in.tokens();
        boolean image = o.what().equals("image");
        SplittableRandom rng = new SplittableRandom(42);
        try (OnnxTensor x = image ? images(env, shape, rng) : tokens(env, shape, tokens, rng)) {
            Map<String, OnnxTensor> feed = Map.of(in.name(), x);
            for (int i = 0; i < WARMUP_BATCHES; i++) {
                session.run(feed).close();
            }
            long cpuStart = processCpuNanos();
            long start = System.nanoTime(), deadline = start + (long) (o.seconds() * 1e9);
            int batches = 0;
            long now;
            do {
                session.run(feed).close();
                batches++;
                now = System.nanoTime();
            } while (now < deadline);
            double seconds = (now - start) * 1e-9, cpuSeconds = (processCpuNanos() - cpuStart) * 1e-9;
            double itemsPerSecond = batches * o.batch() / seconds;
            // A busy machine shows as cores_used well below the thread count: such a run is not representative.
            System.out.printf("onnxruntime threads=%d batches=%d seconds=%.2f cpu_seconds=%.2f cores_used=%.2f input=%s%n",
                    o.threads(), batches, seconds, cpuSeconds, cpuSeconds / seconds, Arrays.toString(shape));
            System.out.printf("encode what=%s model=%s batch=%d tokens=%d items_per_s=%.2f peer=onnxruntime%n",
                    o.what(), modelName(o.onnx()), o.batch(), tokens, itemsPerSecond);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Standard-normal pixels, like a preprocessed (normalized) image. */
    private static OnnxTensor images(OrtEnvironment env, long[] shape, SplittableRandom rng) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels(shape, rng)), shape);
    }

    /** Standard-normal values for images of {@code shape} [B, 3, H, W]. */
    static float[] pixels(long[] shape, SplittableRandom rng) {
        float[] data = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) gaussian(rng);
        }
        return data;
    }

    /** Each row: start token, n - 2 random ordinary tokens, end token, then zero padding up to the context length. */
    private static OnnxTensor tokens(OrtEnvironment env, long[] shape, int n, SplittableRandom rng) throws OrtException {
        int[] ids = prompts((int) shape[0], (int) shape[1], n, CLIP_VOCAB, rng);
        return OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(ids).asLongStream().toArray()), shape);
    }

    /**
     * {@code batch} rows of {@code ctx} ids of a {@code vocab}-word vocabulary: the start token
     * ({@code vocab - 2}, CLIP's 49406), n - 2 random ordinary ids in [1, vocab - 2), the end token
     * ({@code vocab - 1}, the largest id), zero padding.
     */
    static int[] prompts(int batch, int ctx, int n, int vocab, SplittableRandom rng) {
        int[] ids = new int[batch * ctx];
        for (int b = 0; b < batch; b++) {
            ids[b * ctx] = vocab - 2;
            for (int t = 1; t < n - 1; t++) {
                ids[b * ctx + t] = (int) rng.nextLong(1, vocab - 2);
            }
            ids[b * ctx + n - 1] = vocab - 1;
        }
        return ids;
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** "ViT-B-32.image.onnx" gives "ViT-B-32". */
    static String modelName(Path onnx) {
        String name = onnx.getFileName().toString();
        for (String suffix : new String[] {".image.onnx", ".text.onnx", ".onnx"}) {
            if (name.endsWith(suffix)) return name.substring(0, name.length() - suffix.length());
        }
        return name;
    }
}
