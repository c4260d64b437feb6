package dev.jclip.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.cli.Main;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.TarBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jclip spark eval --retrieval} on local[2] against {@code jclip eval retrieval} run in the same JVM. */
@RequiresShared
class RetrievalJobTest {
    /** Captions with repeats: pairs with equal captions match each other. */
    static final String[] CAPTIONS = {"a red square", "a blue circle", "a red square", "green", "a photo, of \"stuff\"", "green",
        "seven", "eight", "nine", "ten", "eleven", "a blue circle"};

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        EmbedJobTest.spark = LocalSpark.session();
    }

    @Test
    void csvRecallEqualsJclipEvalAndShardsOfTheSamePairsGiveTheSame() throws IOException {
        Path csv = csv(tmp, CAPTIONS.length, -1, -1);
        String expected = jclipEval("retrieval", "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString(),
                "--data", csv.toString());
        assertTrue(expected.endsWith("pairs=12\n"), expected);

        SparkCommandsTest.Run r = SparkCommandsTest.run("eval", "--model", EmbedJobTest.VIT.toString(), "--vocab",
                EmbedJobTest.VOCAB.toString(), "--retrieval", csv.toString(), "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(expected, r.out());

        // The same pairs in the same order, as two WebDataset shards.
        TarBuilder[] tars = {new TarBuilder(), new TarBuilder()};
        for (int i = 0; i < CAPTIONS.length; i++) {
            TarBuilder t = tars[i < 5 ? 0 : 1];
            t.file(String.format("%03d.png", i), Files.readAllBytes(tmp.resolve("img/" + i + ".png")));
            t.file(String.format("%03d.txt", i), CAPTIONS[i]);
        }
        Files.write(tmp.resolve("pairs-0.tar"), tars[0].finish());
        Files.write(tmp.resolve("pairs-1.tar"), tars[1].finish());
        String pattern = tmp + "/pairs-{0..1}.tar";
        SparkCommandsTest.Run shards = SparkCommandsTest.run("eval", "--model", EmbedJobTest.VIT.toString(), "--vocab",
                EmbedJobTest.VOCAB.toString(), "--retrieval", pattern);
        assertEquals(0, shards.code(), shards.err());
        assertEquals(expected.replace("data=" + csv, "data=" + pattern), shards.out());
    }

    @Test
    void aMissingImageIsLeftOutAndCounted() throws IOException {
        Path full = csv(tmp.resolve("full"), 8, 3, -1);
        Path without = csv(tmp.resolve("without"), 8, -1, 3);
        String expected = jclipEval("retrieval", "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString(),
                "--data", without.toString());
        SparkCommandsTest.Run r = SparkCommandsTest.run("eval", "--model", EmbedJobTest.VIT.toString(), "--vocab",
                EmbedJobTest.VOCAB.toString(), "--retrieval", full.toString());
        assertEquals(1, r.code(), r.out());
        assertEquals(expected.replace("data=" + without, "data=" + full), r.out());
        assertEquals("jclip spark eval: 1 images could not be read and were left out\n", r.err());
    }

    /**
     * {@code dir/pairs.csv} with a header and {@code n} rows of {@code img/i.png} (written) with
     * {@link #CAPTIONS}; row {@code missing} names a file that is not there, row {@code omitted} is
     * left out (-1: none).
     */
    static Path csv(Path dir, int n, int missing, int omitted) throws IOException {
        List<String> lines = new ArrayList<>(List.of("image_path,caption"));
        for (int i = 0; i < n; i++) {
            if (i == omitted) {
                continue;
            }
            if (i != missing) {
                EmbedJobTest.png(dir.resolve("img/" + i + ".png"), 20 + i);
            }
            lines.add("img/" + i + ".png,\"" + CAPTIONS[i].replace("\"", "\"\"") + "\"");
        }
        return Files.write(dir.resolve("pairs.csv"), lines);
    }

    /** What {@code jclip ARGS...} prints, failing on a non-zero exit. */
    static String jclipEval(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("eval"));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}
