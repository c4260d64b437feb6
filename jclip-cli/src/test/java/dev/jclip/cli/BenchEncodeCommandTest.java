package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.TextTransformer;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jclip bench encode}: prompt layout, result line, and one-line user errors from {@link Main}. */
class BenchEncodeCommandTest {

    @Test
    void promptsHaveStartRandomIdsEndAndPadding() {
        int[] ids = BenchEncodeCommand.randomPrompts(new SplittableRandom(1), 2, 4, 6, 10);
        for (int row = 0; row < 2; row++) {
            assertEquals(8, ids[row * 6], "start token");
            assertTrue(ids[row * 6 + 1] >= 0 && ids[row * 6 + 1] < 8 && ids[row * 6 + 2] >= 0 && ids[row * 6 + 2] < 8);
            assertEquals(9, ids[row * 6 + 3], "end token is the largest id");
            assertArrayEquals(new int[] {0, 0}, new int[] {ids[row * 6 + 4], ids[row * 6 + 5]}, "padding");
        }
        assertThrows(IllegalArgumentException.class, () -> BenchEncodeCommand.randomPrompts(new SplittableRandom(1), 1, 7, 6, 10));
        assertThrows(IllegalArgumentException.class, () -> BenchEncodeCommand.randomPrompts(new SplittableRandom(1), 1, 1, 6, 10));
    }

    @Test
    @RequiresShared
    void lastLineReportsThroughputAndPeakMemory() {
        String model = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors").toString();
        for (String what : new String[] {"image", "text"}) {
            String[] args = what.equals("text")
                    ? new String[] {"bench", "encode", "--model", model, "--what", what, "--batch", "3", "--tokens", "5",
                            "--seconds", "0.01", "--warmup", "0", "--threads", "2"}
                    : new String[] {"bench", "encode", "--model", model, "--what", what, "--batch", "3",
                            "--seconds", "0.01", "--warmup", "0", "--threads", "2"};
            String out = captureStdout(() -> assertEquals(0, Main.commandLine().execute(args)));
            String[] lines = out.strip().split("\n");
            String last = lines[lines.length - 1];
            String expected = "encode what=" + what + " model=open_clip_model.safetensors batch=3 tokens="
                    + (what.equals("text") ? 5 : 0) + " items_per_s=[0-9]+\\.[0-9]{2} peak_rss_mb=[0-9]+";
            assertTrue(last.matches(expected), last);
        }
    }

    @Test
    @RequiresShared
    void weightsRoundedTo16BitsAreSaidAndTimed() {
        String model = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors").toString();
        String out = captureStdout(() -> assertEquals(0, Main.commandLine().execute("bench", "encode", "--model", model,
                "--what", "image", "--batch", "2", "--seconds", "0.01", "--warmup", "0", "--weights-dtype", "bf16")));
        String[] lines = out.strip().split("\n");
        assertTrue(lines[0].contains("weights BF16"), lines[0]);
        assertTrue(lines[lines.length - 1].matches("encode what=image model=open_clip_model.safetensors batch=2 tokens=0"
                + " items_per_s=[0-9]+\\.[0-9]{2} peak_rss_mb=[0-9]+"), lines[lines.length - 1]);
    }

    /** SigLIP's towers: no class token, a patch bias, attention pooling, a text projection with a bias. */
    @Test
    void aSigLipModelIsTimed(@TempDir Path dir) throws IOException {
        ClipConfig siglip = new ClipConfig(32,
                new ClipConfig.Vision(16, 16, new int[] {1}, 32, 8, 2, 64, 0, Gelu.TANH, 1e-6f, false, VisionTransformer.Pool.MAP,
                        false, false, true, false),
                new ClipConfig.Text(8, 100, 32, 2, 1, 64, 0, Gelu.TANH, 1e-6f, false, TextTransformer.Pool.LAST, 1, null, true), true);
        Path model = dir.resolve("siglip.safetensors");
        ClipWeights.save(ClipInit.random(siglip, 1), model);
        for (String what : new String[] {"image", "text"}) {
            String out = captureStdout(() -> assertEquals(0, Main.commandLine().execute("bench", "encode", "--model",
                    model.toString(), "--what", what, "--batch", "2", "--seconds", "0.01", "--warmup", "0")));
            String[] lines = out.strip().split("\n");
            assertTrue(lines[lines.length - 1].matches("encode what=" + what + " model=siglip.safetensors batch=2 tokens="
                    + (what.equals("text") ? 8 : 0) + " items_per_s=[0-9]+\\.[0-9]{2} peak_rss_mb=-?[0-9]+"), lines[lines.length - 1]);
        }
    }

    @Test
    void userErrorsAreOneLineWithoutStackTrace() {
        String[][] cases = {
                {"bench", "encode", "--preset", "NoSuchModel", "--what", "image"},
                {"bench", "encode", "--preset", "ViT-B-32", "--what", "image", "--batch", "x"},
                {"bench", "encode", "--what", "image"},
                {"bench", "encode", "--model", "/no/such/file.safetensors", "--what", "text"},
                {"bench", "encode", "--preset", "ViT-B-32", "--what", "image", "--weights-dtype", "int8"},
        };
        String[] mentions = {"unknown model 'NoSuchModel'", "'x' is not an int", "--model", "/no/such/file.safetensors",
                "--weights-dtype must be f32, bf16 or f16, got int8"};
        for (int i = 0; i < cases.length; i++) {
            StringWriter err = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setErr(new PrintWriter(err, true));
            int rc = cmd.execute(cases[i]);
            assertTrue(rc != 0, "exit code of " + String.join(" ", cases[i]));
            String text = err.toString().strip();
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("jclip: ") && text.contains(mentions[i]), text);
        }
    }

    private static String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
