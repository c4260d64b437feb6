package dev.jclip.bench;

import dev.jclip.compute.Parallel;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.model.ClipPresets;
import dev.jclip.nn.Clip;
import dev.jclip.plan.InferencePlan;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * jclip and open_clip (PyTorch) on the same encoder, batch for batch ({@link PairedRounds}), as
 * {@link PairedEncodeBench} pairs jclip with ONNX Runtime: open_clip runs in a Python process,
 * {@code peers/encode_open_clip.py --paired}, which computes one batch each time it is asked, on
 * the very inputs this side wrote for it. Both sides hold random weights of the preset (speed does
 * not depend on the values) and run on the same number of threads, one after the other.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jclip-bench/target/jclip-benchmarks.jar \
 *     dev.jclip.bench.PairedOpenClipBench --preset ViT-B-32 --what image|text [--batch 32] [--tokens N]
 *     [--threads 2] [--rounds 15] [--python PATH] [--script PATH]
 * </pre>
 *
 * {@code --python} defaults to {@code $PEERS_PYTHON}, else {@code /tmp/peers/venv/bin/python};
 * {@code --script} to {@code jclip-bench/peers/encode_open_clip.py} under the working directory.
 * The last line is {@code paired what=W model=M batch=B tokens=N jclip_items_per_s=X
 * open_clip_items_per_s=Y ratio=R gflop_per_item=G}, R being the median over rounds of
 * open_clip's batch time over jclip's, G the multiply-adds of an item as open_clip's script counts
 * them (two flops each).
 */
public final class PairedOpenClipBench {
    private static final int WARMUP_ROUNDS = 3;
    private static final long SEED = 7;

    private PairedOpenClipBench() {}

    private record Options(String preset, String what, int batch, int tokens, int threads, int rounds, Path python,
                           Path script) {
        static Options parse(String[] args) {
            Map<String, String> o = OrtEncodeBench.pairs(args, Set.of("--preset", "--what", "--batch", "--tokens", "--threads",
                    "--rounds", "--python", "--script"), Options::usage);
            String preset = o.get("--preset"), what = o.get("--what");
            String pythonEnv = System.getenv("PEERS_PYTHON");
            Path python = Path.of(o.getOrDefault("--python", pythonEnv != null ? pythonEnv : "/tmp/peers/venv/bin/python"));
            Path script = o.containsKey("--script") ? Path.of(o.get("--script"))
                    : Path.of("jclip-bench", "peers", "encode_open_clip.py");
            int batch = OrtEncodeBench.intArg(o, "--batch", 32), tokens = OrtEncodeBench.intArg(o, "--tokens", 0);
            int threads = OrtEncodeBench.intArg(o, "--threads", 2), rounds = OrtEncodeBench.intArg(o, "--rounds", 15);
            if (preset == null) throw usage("--preset must name a model both sides know, e.g. ViT-B-32");
            if (!"image".equals(what) && !"text".equals(what)) throw usage("--what must be image or text, got " + what);
            if (batch < 1 || threads < 1 || rounds < 1) throw usage("--batch, --threads and --rounds must be at least 1");
            if (tokens != 0 && (tokens < 2 || what.equals("image"))) {
                throw usage("--tokens applies to texts and counts start and end, so it must be at least 2");
            }
            if (!Files.isExecutable(python)) throw usage("no Python with open_clip at " + python + " (--python or $PEERS_PYTHON)");
            if (!Files.isRegularFile(script)) throw usage("no " + script + " (--script, or run from the repository root)");
            return new Options(preset, what, batch, tokens, threads, rounds, python, script);
        }

        private static IllegalArgumentException usage(String why) {
            return new IllegalArgumentException(why + "\nusage: PairedOpenClipBench --preset NAME --what image|text"
                    + " [--batch B (32)] [--tokens N] [--threads T (2)] [--rounds R (15)] [--python PATH] [--script PATH]");
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = OrtEncodeBench.options(args, Options::parse);
        Clip clip = ClipInit.random(ClipPresets.get(o.preset()), SEED);
        clip.train(false);
        ClipConfig config = ClipConfig.of(clip);
        boolean image = o.what().equals("image");
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        int height = config.vision().imageSize(), width = config.vision().imageWidth(), context = config.text().contextLength();
        int tokens = image ? 0 : o.tokens() != 0 ? o.tokens() : context;
        if (tokens > context) {
            throw new IllegalArgumentException("--tokens " + tokens + " is more than the context of " + context);
        }
        long[] shape = image ? new long[] {o.batch(), 3, height, width} : new long[] {o.batch(), context};
        float[] pixels = image ? OrtEncodeBench.pixels(shape, rng) : null;
        int[] ids = image ? null : OrtEncodeBench.prompts(o.batch(), context, tokens, config.text().vocabSize(), rng);
        Path inputs = Files.createTempFile("jclip-paired-", ".bin");
        try {
            writeInputs(inputs, pixels, ids);
            Tensor images = image ? Tensor.of(pixels, o.batch(), 3, height, width) : null;
            InferencePlan plan = InferencePlan.of(clip);
            try (Parallel pool = Parallel.of(o.threads()); OpenClip peer = OpenClip.start(o, inputs, tokens);
                 var _ = GradMode.noGrad()) {
                PairedRounds.Batch mine = () -> {
                    long t0 = System.nanoTime();
                    pool.call(() -> image ? plan.encodeImage(images) : plan.encodeText(ids));
                    return (System.nanoTime() - t0) * 1e-9;
                };
                PairedRounds.Times times = PairedRounds.run(mine, peer::batch, "open_clip", WARMUP_ROUNDS, o.rounds(), true);
                System.out.printf(Locale.ROOT,
                        "paired what=%s model=%s batch=%d tokens=%d jclip_items_per_s=%.2f open_clip_items_per_s=%.2f ratio=%.3f %s%n",
                        o.what(), o.preset(), o.batch(), tokens, o.batch() / PairedRounds.median(times.jclip()),
                        o.batch() / PairedRounds.median(times.peer()), PairedRounds.median(times.ratios()), peer.flops());
            }
        } finally {
            Files.deleteIfExists(inputs);
        }
    }

    /** The batch as the peer reads it: little-endian float32 pixels, or int64 token ids. */
    private static void writeInputs(Path file, float[] pixels, int[] ids) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(pixels != null ? 4 * pixels.length : 8 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        if (pixels != null) {
            buf.asFloatBuffer().put(pixels);
        } else {
            for (int id : ids) {
                buf.putLong(id);
            }
        }
        Files.write(file, buf.array());
    }

    /**
     * The open_clip process, ready after its warm-up (its line "ready gflop_per_item=G" kept as
     * {@code flops}): one line "run" asks for a batch, one line "seconds=S" answers.
     */
    private record OpenClip(Process process, Writer requests, BufferedReader replies, String flops) implements AutoCloseable {
        static OpenClip start(Options o, Path inputs, int tokens) throws IOException {
            List<String> command = new ArrayList<>(List.of(o.python().toString(), o.script().toString(),
                    "--model", o.preset(), "--what", o.what(), "--batch", Integer.toString(o.batch()),
                    "--threads", Integer.toString(o.threads()), "--paired", "--inputs", inputs.toString()));
            if (tokens != 0) {
                command.addAll(List.of("--tokens", Integer.toString(tokens)));
            }
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Writer requests = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            BufferedReader replies = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = replies.readLine()) != null; ) {
                if (line.startsWith("ready ")) {
                    return new OpenClip(p, requests, replies, line.substring("ready ".length()));
                }
                System.err.println("open_clip: " + line);
            }
            throw died(p, "before it was ready");
        }

        double batch() throws IOException {
            requests.write("run\n");
            requests.flush();
            String line = replies.readLine();
            if (line == null || !line.startsWith("seconds=")) {
                throw died(process, "answering a batch with " + (line == null ? "nothing" : "'" + line + "'"));
            }
            return Double.parseDouble(line.substring("seconds=".length()));
        }

        /** The error of a process that stopped answering {@code when}, with its exit status once it has ended. */
        private static IOException died(Process process, String when) {
            try {
                boolean ended = process.waitFor(5, TimeUnit.SECONDS);
                return new IOException("open_clip's process failed " + when
                        + (ended ? " (exit status " + process.exitValue() + ")" : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new IOException("open_clip's process failed " + when);
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            requests.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
