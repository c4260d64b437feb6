package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.model.ClipConfig;
import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipWeights;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import dev.jclip.testing.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    private static final String TINY = "{\"embed_dim\":16,\"vision_cfg\":{\"image_size\":32,\"layers\":1,\"width\":64,"
            + "\"patch_size\":16},\"text_cfg\":{\"context_length\":8,\"vocab_size\":49408,\"width\":32,\"heads\":1,\"layers\":1}}";

    @TempDir
    Path dir;

    /** 10 pairs over the preprocessing fixtures' images: 2 batches of 4 per epoch. */
    private Path csv() throws IOException {
        List<String> lines = new ArrayList<>(List.of("image_path,caption"));
        String[] images = {"landscape_640x480.png", "portrait_480x640.png", "square_224.png", "gray_320x240.png",
            "rgba_300x200.png"};
        for (int i = 0; i < 10; i++) {
            lines.add(Shared.path("fixtures/preprocess/" + images[i % 5]) + ",\"caption " + i + ", of a thing\"");
        }
        Path csv = dir.resolve("pairs.csv");
        Files.write(csv, lines);
        return csv;
    }

    /** Two tar shards of 6 and 5 samples over the same images (one sample's image corrupt): 2 batches of 4 per epoch. */
    private String shards() throws IOException {
        String[] images = {"landscape_640x480.png", "portrait_480x640.png", "square_224.png", "gray_320x240.png",
            "rgba_300x200.png"};
        for (int s = 0; s < 2; s++) {
            TarBuilder tar = new TarBuilder();
            for (int i = 6 * s; i < Math.min(6 * s + 6, 11); i++) {
                byte[] png = i == 1 ? "not a png".getBytes(StandardCharsets.UTF_8)
                        : Files.readAllBytes(Shared.path("fixtures/preprocess/" + images[i % 5]));
                tar.file(String.format("%03d.png", i), png).file(String.format("%03d.txt", i), "caption " + i);
            }
            Files.write(dir.resolve("shard-" + s + ".tar"), tar.finish());
        }
        return dir.resolve("shard-{0..1}.tar").toString();
    }

    private int train(Path out, String... extra) throws IOException {
        return run(out, "--model-config", TINY, extra);
    }

    private int run(Path out, String sourceOption, String source, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", sourceOption, source, "--data", csv().toString()));
        args.addAll(List.of(extra));
        return execute(out, args);
    }

    /** {@code jclip train} with the common options, after {@code args}; returns the exit code. */
    private static int execute(Path out, List<String> args) {
        return new CommandLine(new Main()).execute(withCommonOptions(out, args));
    }

    private static String[] withCommonOptions(Path out, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--vocab", Shared.path("clip/bpe_simple_vocab_16e6.txt.gz").toString(), "--output", out.toString(),
                "--batch-size", "4", "--micro-batch", "3", "--epochs", "2", "--warmup", "1", "--seed", "3"));
        return all.toArray(String[]::new);
    }

    /** The step-4 weights of a straight run and of one stopped after step 3 and resumed; the resumed run's log. */
    private static List<String> assertResumeIsExact(Path straight, Path split, List<String> args) throws IOException {
        List<String> first = new ArrayList<>(args);
        first.addAll(List.of("--max-steps", "3", "--checkpoint-every", "1"));
        List<String> second = new ArrayList<>(args);
        second.addAll(List.of("--resume", "latest"));
        assertEquals(0, execute(straight, args));
        assertEquals(0, execute(split, first));
        assertEquals(0, execute(split, second));
        Path a = straight.resolve("step-00000004/model.safetensors"), b = split.resolve("step-00000004/model.safetensors");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        return Files.readAllLines(split.resolve("log.jsonl"));
    }

    @Test
    @RequiresShared
    void interruptedRunResumedFromLatestEqualsTheUninterruptedOne() throws IOException {
        Path split = dir.resolve("split");
        List<String> log = assertResumeIsExact(dir.resolve("straight"), split,
                List.of("train", "--model-config", TINY, "--data", csv().toString()));
        assertEquals(ClipConfig.fromOpenClipJson(TINY), ClipConfig.of(ClipWeights.load(split.resolve("step-00000004/model.safetensors"))),
                "the checkpoint loads as the model");
        assertEquals(4, log.size(), "steps 1-4, each once");
        for (int i = 0; i < 4; i++) {
            assertTrue(log.get(i).startsWith("{\"step\":" + (i + 1) + ",\"epoch\":" + (i / 2) + ",\"loss\":"), log.get(i));
        }
    }

    /**
     * {@code --loss siglip}: the model gets {@code logit_bias} (from −10, {@code logit_scale} from ln 10), the log
     * reports it, the checkpoint holds it, and a resumed run (gradient caching in micro-batches of 3) is exact.
     */
    @Test
    @RequiresShared
    void siglipLossTrainsWithALogitBiasAndResumesExactly() throws IOException {
        Path split = dir.resolve("split");
        List<String> log = assertResumeIsExact(dir.resolve("straight"), split,
                List.of("train", "--model-config", TINY, "--data", csv().toString(), "--loss", "siglip"));
        assertEquals(4, log.size(), "steps 1-4, each once");
        Matcher first = Pattern.compile("\"logit_scale\":([-0-9.E]+),\"logit_bias\":([-0-9.E]+),").matcher(log.getFirst());
        assertTrue(first.find(), log.getFirst());
        // Warm-up: step 1 runs at lr 5e-4, and Adam's first step moves each by about lr.
        assertEquals(Math.log(10), Double.parseDouble(first.group(1)), 6e-4, log.getFirst());
        assertEquals(-10, Double.parseDouble(first.group(2)), 6e-4, log.getFirst());
        try (SafeTensors st = SafeTensors.open(split.resolve("step-00000004/model.safetensors"));
             SafeTensors state = SafeTensors.open(split.resolve("step-00000004/trainer.safetensors"))) {
            float bias = st.floats("logit_bias")[0];
            assertTrue(bias != -10f && Math.abs(bias + 10) < 0.01, "logit_bias " + bias);
            assertTrue(log.getLast().contains("\"logit_bias\":" + bias + ","), log.getLast());
            assertEquals("siglip", state.metadata().get("loss"));
        }
    }

    @Test
    @RequiresShared
    void tarShardsThroughAShuffleBufferResumeExactly() throws IOException {
        // Resuming at step 3 replays epoch 1's stream and skips its first batch undecoded.
        List<String> log = assertResumeIsExact(dir.resolve("straight"), dir.resolve("split"),
                List.of("train", "--model-config", TINY, "--data", shards(), "--shuffle-buffer", "3", "--workers", "3"));
        assertEquals(4, log.size(), "11 samples: 2 batches of 4 per epoch");
        assertTrue(log.get(3).startsWith("{\"step\":4,\"epoch\":1,"), log.get(3));
    }

    @Test
    @RequiresShared
    void badItemsAreSkippedCountedAndReported() throws IOException {
        Files.copy(csv(), dir.resolve("bad.csv"));
        Files.writeString(dir.resolve("corrupt.png"), "not a png");
        // 8 usable rows (two batches, so every row is used in an epoch): 7 images, 1 corrupt; 1 row's file is missing.
        List<String> rows = new ArrayList<>(Files.readAllLines(dir.resolve("bad.csv")).subList(0, 8));
        rows.addAll(List.of("corrupt.png,a corrupt file", "missing.png,a missing file"));
        Files.write(dir.resolve("bad.csv"), rows);

        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        Path run = dir.resolve("run");
        try {
            assertEquals(0, execute(run, List.of("train", "--model-config", TINY, "--data", dir.resolve("bad.csv").toString(),
                    "--no-augment")));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String errors = err.toString();
        assertTrue(errors.contains("jclip train: skipped " + dir.resolve("bad.csv") + " line 10: missing image file "
                + dir.resolve("missing.png")), errors);
        assertTrue(errors.contains("jclip train: skipped corrupt.png: image left out: " + dir.resolve("corrupt.png")), errors);
        assertEquals(3, errors.split("jclip train: skipped ", -1).length - 1, "the missing file once, the corrupt one each epoch");
        assertTrue(out.toString().startsWith("done: 4 steps (0 non-finite skipped), 3 bad data items skipped"), out.toString());
        List<String> log = Files.readAllLines(run.resolve("log.jsonl"));
        assertEquals(4, log.size());
        assertTrue(log.get(3).endsWith(",\"bad_items\":3}"), log.get(3));
    }

    @Test
    @RequiresShared
    void anUnterminatedQuoteStopsTheRunNamingTheLineUnlessBadRowsAreSkipped() throws IOException {
        // Row 4 of 10 (line 5) loses its closing quote: the field runs on into row 5, whose own quote closes it.
        List<String> rows = new ArrayList<>(Files.readAllLines(csv()));
        rows.set(4, rows.get(4).substring(0, rows.get(4).length() - 1));
        Path broken = Files.write(dir.resolve("broken.csv"), rows);
        List<String> args = List.of("train", "--model-config", TINY, "--data", broken.toString());

        Cli stopped = Cli.run(withCommonOptions(dir.resolve("stopped"), args));
        assertEquals(1, stopped.code);
        assertEquals("jclip: " + broken + " line 5: text after a closing quote (quotes inside a field must be doubled); nothing was "
                + "trained. Fix the row, or pass --skip-bad-rows to skip malformed rows (each is counted and reading resumes on "
                + "the next line)\n", stopped.err);
        assertFalse(Files.exists(dir.resolve("stopped/log.jsonl")));

        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        List<String> skipping = new ArrayList<>(args);
        skipping.add("--skip-bad-rows");
        try {
            assertEquals(0, execute(dir.resolve("skipped"), skipping));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String errors = err.toString();
        assertTrue(errors.contains("jclip train: skipped " + broken + " line 5: text after a closing quote"), errors);
        assertEquals(1, errors.split("jclip train: skipped ", -1).length - 1, errors);
        assertTrue(errors.contains(" on 9 pairs: 4 steps of 4"), "rows 1-3 and 5-10 are used: " + errors);
        assertTrue(out.toString().startsWith("done: 4 steps (0 non-finite skipped), 1 bad data items skipped"), out.toString());
    }

    @Test
    @RequiresShared
    void fineTuningWithAFrozenImageTowerMovesOnlyTheRest() throws IOException {
        Path scratch = dir.resolve("scratch"), tuned = dir.resolve("tuned");
        assertEquals(0, train(scratch, "--max-steps", "1"));
        Path init = scratch.resolve("step-00000001/model.safetensors");
        assertEquals(0, run(tuned, "--init", init.toString(), "--freeze", "image", "--finetune", "--max-steps", "2"));
        Map<String, Tensor> before = ClipWeights.load(init).stateDict().parameters();
        Map<String, Tensor> after = ClipWeights.load(tuned.resolve("step-00000002/model.safetensors")).stateDict().parameters();
        for (var e : before.entrySet()) {
            boolean same = Arrays.equals(e.getValue().data(), after.get(e.getKey()).data());
            assertEquals(e.getKey().startsWith("visual."), same, e.getKey() + (same ? " did not move" : " moved"));
        }
    }

    @Test
    void benchPrintsTheResultLineLast() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, new CommandLine(new Main()).execute("bench", "train", "--model-config", TINY, "--batch", "3",
                    "--steps", "2", "--warmup-steps", "1"));
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString().strip().split("\n");
        assertEquals(4, lines.length, buf.toString());
        assertTrue(lines[3].matches("train batch=3 samples_per_s=\\d+\\.\\d\\d peak_rss_mb=\\d+"), lines[3]);
    }

    @Test
    void benchProfileTablesTheOperationsBeforeTheResultLine() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, new CommandLine(new Main()).execute("bench", "train", "--model-config", TINY, "--batch", "3",
                    "--steps", "2", "--warmup-steps", "1", "--threads", "1", "--profile", "cpu"));
        } finally {
            System.setOut(old);
        }
        String out = buf.toString().strip();
        String[] lines = out.split("\n");
        assertTrue(out.contains("cpu profile of 2 steps, threads 1"), out);
        for (String op : List.of("Linear.forward", "Attention.forwardAt", "LayerNorm.forward", "AdamW.step", "all")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(op + " ")), op + " in\n" + out);
        }
        assertTrue(lines[lines.length - 2].matches("step [0-9.]+ ms wall, [0-9.]+ ms cpu .*allocated \\d+ MiB \\(per step\\)"),
                lines[lines.length - 2]);
        assertTrue(lines[lines.length - 1].matches("train batch=3 samples_per_s=\\d+\\.\\d\\d peak_rss_mb=\\d+"),
                lines[lines.length - 1]);
        assertEquals(Main.USER_ERROR, Main.commandLine().execute("bench", "train", "--model-config", TINY, "--profile", "gpu"));
    }

    /** Runs {@code jclip train} with stderr captured; returns the exit code and stderr. */
    private static Map.Entry<Integer, String> executeCapturingErr(Path out, List<String> args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            return Map.entry(execute(out, args), err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    @RequiresShared
    void resumeLatestSkipsADamagedCheckpointAndContinuesExactlyFromThePreviousOne() throws IOException {
        List<String> args = List.of("train", "--model-config", TINY, "--data", csv().toString());
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        assertEquals(0, execute(straight, args));
        List<String> first = new ArrayList<>(args);
        first.addAll(List.of("--max-steps", "3", "--checkpoint-every", "1"));
        assertEquals(0, execute(split, first));
        byte[] expected = Files.readAllBytes(straight.resolve("step-00000004/model.safetensors"));

        String[][] damages = {
            {"cut", "model.safetensors is "}, {"flip", "trainer.safetensors has CRC32C "}, {"delete", "model.safetensors is missing"},
        };
        for (String[] d : damages) {
            Path run = dir.resolve("run-" + d[0]);
            try (var files = Files.walk(split)) {
                for (Path f : files.toList()) {
                    Files.copy(f, run.resolve(split.relativize(f).toString()));
                }
            }
            Path latest = run.resolve("step-00000003");
            switch (d[0]) {
                case "cut" -> {
                    byte[] b = Files.readAllBytes(latest.resolve("model.safetensors"));
                    Files.write(latest.resolve("model.safetensors"), Arrays.copyOf(b, b.length / 2));
                }
                case "flip" -> {
                    byte[] b = Files.readAllBytes(latest.resolve("trainer.safetensors"));
                    for (int i = b.length - 100; i < b.length - 84; i++) {
                        b[i] ^= (byte) 0xA5;
                    }
                    Files.write(latest.resolve("trainer.safetensors"), b);
                }
                default -> Files.delete(latest.resolve("model.safetensors"));
            }
            List<String> resume = new ArrayList<>(args);
            resume.addAll(List.of("--resume", "latest"));
            Map.Entry<Integer, String> r = executeCapturingErr(run, resume);
            assertEquals(0, r.getKey(), r.getValue());
            String skipped = "jclip train: skipped checkpoint " + latest + ": " + d[1];
            assertTrue(r.getValue().startsWith(skipped), r.getValue());
            assertTrue(r.getValue().contains("; moved it to " + run.resolve("damaged-step-00000003") + ", resuming from the one before\n"),
                    r.getValue());
            assertTrue(r.getValue().contains(", resuming from " + run.resolve("step-00000002") + "\n"), r.getValue());
            assertArrayEquals(expected, Files.readAllBytes(run.resolve("step-00000004/model.safetensors")), d[0]);
            List<String> log = Files.readAllLines(run.resolve("log.jsonl"));
            assertEquals(4, log.size(), "steps 1-4, each once");
            assertTrue(log.get(2).startsWith("{\"step\":3,"), log.get(2));
        }

        // Named explicitly, a damaged checkpoint is refused rather than replaced by another.
        Path broken = Files.move(dir.resolve("run-cut/damaged-step-00000003"),
                Files.createDirectories(dir.resolve("elsewhere")).resolve("step-00000003"));
        List<String> explicit = new ArrayList<>(args);
        explicit.addAll(List.of("--resume", broken.toString()));
        Map.Entry<Integer, String> r = executeCapturingErr(dir.resolve("explicit"), explicit);
        assertEquals(1, r.getKey());
        assertTrue(r.getValue().contains("checkpoint " + broken + " is damaged: model.safetensors is "), r.getValue());
    }
}
