package dev.jclip.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jclip.compute.Parallel;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * jclip and ONNX Runtime on the same encoder, batch for batch in one process ({@link PairedRounds}:
 * one jclip batch and one ORT batch on the same inputs each round), reporting the median of the
 * per-round speed ratios. A shared, noisy machine (a VM whose neighbours come and go) moves
 * separate runs by ±10%; the ratio of neighbouring batches moves far less. The first round also
 * checks that both give the same features.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jclip-bench/target/jclip-benchmarks.jar \
 *     dev.jclip.bench.PairedEncodeBench --model M.safetensors --onnx M.image.onnx \
 *     --what image|text --batch B [--tokens N] [--threads T] [--rounds R]
 * </pre>
 *
 * The last line is {@code paired what=W model=M batch=B tokens=N jclip_items_per_s=X
 * ort_items_per_s=Y ratio=R}, R being the median over rounds of ORT's batch time over jclip's.
 */
public final class PairedEncodeBench {
    private static final int WARMUP_ROUNDS = 3;

    private PairedEncodeBench() {}

    private record Options(Path model, Path onnx, String what, int batch, int tokens, int threads, int rounds) {
        static Options parse(String[] args) {
            Map<String, String> o = OrtEncodeBench.pairs(args, Set.of("--model", "--onnx", "--what", "--batch", "--tokens",
                    "--threads", "--rounds"), Options::usage);
            Path model = o.containsKey("--model") ? Path.of(o.get("--model")) : null;
            Path onnx = o.containsKey("--onnx") ? Path.of(o.get("--onnx")) : null;
            String what = o.get("--what");
            int batch = OrtEncodeBench.intArg(o, "--batch", 32), tokens = OrtEncodeBench.intArg(o, "--tokens", 0);
            int threads = OrtEncodeBench.intArg(o, "--threads", 2), rounds = OrtEncodeBench.intArg(o, "--rounds", 15);
            if (model == null || !Files.exists(model)) throw usage("--model must name jclip weights, got " + model);
            if (onnx == null || !Files.isRegularFile(onnx)) throw usage("--onnx must name an ONNX file, got " + onnx);
            if (!"image".equals(what) && !"text".equals(what)) throw usage("--what must be image or text, got " + what);
            if (batch < 1 || threads < 1 || rounds < 1) throw usage("--batch, --threads and --rounds must be at least 1");
            if (tokens != 0 && tokens < 2) throw usage("--tokens counts start and end, so it must be at least 2");
            return new Options(model, onnx, what, batch, tokens, threads, rounds);
        }

        private static IllegalArgumentException usage(String why) {
            return new IllegalArgumentException(why + "\nusage: PairedEncodeBench --model FILE --onnx FILE --what image|text"
                    + " [--batch B (32)] [--tokens N] [--threads T (2)] [--rounds R (15)]");
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = OrtEncodeBench.options(args, Options::parse);
        Clip clip = ClipWeights.map(o.model());
        clip.train(false);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = OrtEncodeBench.sessionOptions(o.threads());
             OrtSession session = env.createSession(o.onnx().toString(), opts)) {
            try (Parallel pool = Parallel.of(o.threads())) {
                run(InferencePlan.of(clip), pool, env, session, o);
            }
        }
    }

    private static void run(InferencePlan clip, Parallel pool, OrtEnvironment env, OrtSession session, Options o)
            throws Exception {
        OrtEncodeBench.Input in = OrtEncodeBench.Input.of(session, o.onnx(), o.what(), o.batch(), o.tokens());
        long[] shape = in.shape();
        int tokens = in.tokens();
        boolean image = o.what().equals("image");
        SplittableRandom rng = new SplittableRandom(42);
        float[] pixels = image ? OrtEncodeBench.pixels(shape, rng) : null;
        int[] ids = image ? null : OrtEncodeBench.prompts(o.batch(), (int) shape[1], tokens, OrtEncodeBench.CLIP_VOCAB, rng);
        OnnxTensor x = image ? OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape)
                : OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(ids).asLongStream().toArray()), shape);
        Tensor images = image ? Tensor.of(pixels, Arrays.stream(shape).mapToInt(Math::toIntExact).toArray()) : null;
        int[] texts = ids;
        Map<String, OnnxTensor> feed = Map.of(in.name(), x);
        try (x; var _ = GradMode.noGrad()) {
            float[][] features = new float[2][];
            PairedRounds.Batch mine = () -> {
                long t0 = System.nanoTime();
                Tensor f = pool.call(() -> image ? clip.encodeImage(images) : clip.encodeText(texts));
                double seconds = (System.nanoTime() - t0) * 1e-9;
                if (features[0] == null) {
                    features[0] = f.data();
                }
                return seconds;
            };
            PairedRounds.Batch theirs = () -> {
                long t0 = System.nanoTime();
                try (OrtSession.Result result = session.run(feed)) {
                    double seconds = (System.nanoTime() - t0) * 1e-9;
                    if (features[1] == null) {
                        features[1] = ((OnnxTensor) result.get(0)).getFloatBuffer().array();
                    }
                    return seconds;
                }
            };
            PairedRounds.Times times = PairedRounds.run(mine, theirs, "ort", WARMUP_ROUNDS, o.rounds(), false);
            System.out.printf(Locale.ROOT, "features: max |jclip - ort| = %.3g, max |ort| = %.3g%n",
                    maxAbsDiff(features[0], features[1]), maxAbs(features[1]));
            System.out.printf(Locale.ROOT,
                    "paired what=%s model=%s batch=%d tokens=%d jclip_items_per_s=%.2f ort_items_per_s=%.2f ratio=%.3f%n",
                    o.what(), OrtEncodeBench.modelName(o.onnx()), o.batch(), tokens, o.batch() / PairedRounds.median(times.jclip()),
                    o.batch() / PairedRounds.median(times.peer()), PairedRounds.median(times.ratios()));
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("jclip gave " + a.length + " feature values, ORT " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
