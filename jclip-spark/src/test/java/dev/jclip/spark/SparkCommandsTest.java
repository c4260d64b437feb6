package dev.jclip.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.eval.ZeroShot;
import dev.jclip.eval.ZeroShotResult;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jclip spark embed} and {@code jclip spark eval} in-process, on the tests' local[2] session. */
@RequiresShared
class SparkCommandsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        EmbedJobTest.spark = LocalSpark.session();
    }

    @Test
    void embedWritesParquetCountsFailuresAndExitsOne() throws IOException {
        Path a = EmbedJobTest.png(tmp.resolve("in/a.png"), 3);
        Files.writeString(tmp.resolve("in/z.png"), "no image");
        String out = tmp.resolve("out").toString();
        Run r = run("embed", "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString(),
                "--images", tmp.resolve("in").toString(), "--output", out, "--chunk", "1");
        assertEquals(1, r.code, r.err);
        assertTrue(r.out.startsWith("embedded 1 of 2 items into " + out + " (2 chunks written, 0 already there)"), r.out);
        assertTrue(r.out.contains("; 1 failed (their rows say why in the error column)"), r.out);
        Map<String, Row> rows = EmbedJobTest.byKey(out);
        assertArrayEquals(ClipModel.load(EmbedJobTest.VIT).embedImage(a), EmbedJobTest.floats(rows.get("file:" + a)));
        assertEquals(List.of(0, 1), EmbedJobTest.spark.read().parquet(out).select("chunk").orderBy("chunk").as(
                org.apache.spark.sql.Encoders.INT()).collectAsList());
    }

    @Test
    void evalPrintsWhatTheSingleMachineEvaluationGives() throws IOException {
        String expected = expectedZeroShot(tmp, ClipModel.DEFAULT_TEMPLATES);
        Run r = run("eval", "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString(),
                "--dataset", tmp.resolve("set").toString(), "--partitions", "3");
        assertEquals(0, r.code, r.err);
        assertEquals(expected, r.out);
    }

    @Test
    void evalTakesTemplatesFromAFileAsJclipEvalDoes() throws IOException {
        Path lines = Files.writeString(tmp.resolve("t.txt"), "\uFEFFa {} here\n\n  art of a {}  \n");
        Path json = Files.writeString(tmp.resolve("t.json"), "{\"templates\": [\"a {} here\", \"art of a {}\"], \"other\": 1}");
        String expected = expectedZeroShot(tmp, List.of("a {} here", "art of a {}"));
        for (Path t : List.of(lines, json)) {
            Run r = run("eval", "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString(),
                    "--dataset", tmp.resolve("set").toString(), "--templates", t.toString());
            assertEquals(0, r.code, r.err);
            assertEquals(expected, r.out, t.toString());
        }
        assertEquals(expected, RetrievalJobTest.jclipEval("zeroshot", "--model", EmbedJobTest.VIT.toString(), "--vocab",
                EmbedJobTest.VOCAB.toString(), "--dataset", tmp.resolve("set").toString(), "--templates", json.toString()));
    }

    /**
     * Writes the data set {@code dir/set} (3 classes) and returns what {@code jclip eval zeroshot}
     * prints for it with {@code templates}: classes in sorted folder order.
     */
    static String expectedZeroShot(Path dir, List<String> templates) throws IOException {
        String[] classes = {"red_thing", "green", "blue"};
        List<Path> files = new ArrayList<>();
        for (int c = 0; c < classes.length; c++) {
            for (int i = 0; i < 3 + c; i++) {
                files.add(EmbedJobTest.png(dir.resolve("set/" + classes[c] + "/" + i + ".png"), 10 * c + i));
            }
        }
        ClipModel model = ClipModel.load(EmbedJobTest.VIT, EmbedJobTest.VOCAB);
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(null);
        List<String> names = List.of("blue", "green", "red thing");
        int[] y = sorted.stream().mapToInt(p -> names.indexOf(p.getParent().getFileName().toString().replace('_', ' '))).toArray();
        ZeroShotClassifier zs = model.classifier(names, templates);
        float[][] w = new float[3][];
        for (int c = 0; c < 3; c++) {
            w[c] = zs.classWeights(c);
        }
        ZeroShotResult expected = ZeroShot.evaluate(model.embedImageFiles(sorted), y, w);
        return expected.format(names) + "probabilities: softmax over the labels\n"
                + String.format(Locale.ROOT, "zeroshot dataset=%s top1=%.4f top5=%.4f images=12%n",
                dir.resolve("set"), expected.top1(), expected.top5());
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = SparkMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
