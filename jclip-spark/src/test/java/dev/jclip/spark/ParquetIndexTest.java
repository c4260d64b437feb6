package dev.jclip.spark;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.cli.Main;
import dev.jclip.testing.RequiresShared;
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

/** {@code jclip spark index --from-parquet}: the output of {@code jclip spark embed} as an index that {@code jclip search} reads. */
@RequiresShared
class ParquetIndexTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        EmbedJobTest.spark = LocalSpark.session();
    }

    @Test
    void anIndexFromParquetIsSearchedByJclipSearchWithTheRecordedModel() throws IOException {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add("file:" + EmbedJobTest.png(tmp.resolve("img/p" + i + ".png"), 7 * i));
        }
        items.add(tmp.resolve("img/missing.png").toString());
        String out = tmp.resolve("emb").toString();
        new EmbedJob(EmbedJobTest.spark, EmbedJobTest.REF, 3, 2).run(EmbedJob.Kind.IMAGES, items, out);
        Path index = tmp.resolve("idx");

        SparkCommandsTest.Run r = SparkCommandsTest.run("index", "--from-parquet", out, "--index", index.toString(),
                "--model", EmbedJobTest.VIT.toString(), "--vocab", EmbedJobTest.VOCAB.toString());
        assertEquals(0, r.code(), r.err());
        String id = ClipModel.load(EmbedJobTest.VIT, EmbedJobTest.VOCAB).id();
        assertEquals("indexed 6 items from " + out + " (1 error rows skipped); " + index + " holds 6 items of model " + id + "\n", r.out());

        for (int i : new int[] {0, 4}) {
            Path query = tmp.resolve("img/p" + i + ".png");
            String hits = jclip("search", "--index", index.toString(), "--image", query.toString(), "--k", "2", "--exact");
            String[] lines = hits.split("\n");
            assertEquals(2, lines.length, hits);
            assertEquals("1.0000  " + query, lines[0]);
        }
    }

    @Test
    void rowsOfAnotherModelAreRefusedBeforeAnythingIsWritten() throws IOException {
        String out = tmp.resolve("emb").toString();
        new EmbedJob(EmbedJobTest.spark, EmbedJobTest.REF, 10, 1).run(EmbedJob.Kind.IMAGES,
                List.of(EmbedJobTest.png(tmp.resolve("a.png"), 1).toString()), out);
        String other = tmp.resolve("other").toString();
        EmbedJobTest.spark.read().parquet(out).withColumn("model", lit("ViT-L-14:0123")).write().parquet(other);
        Path index = tmp.resolve("idx");
        SparkCommandsTest.Run r = SparkCommandsTest.run("index", "--from-parquet", other, "--index", index.toString(),
                "--model", EmbedJobTest.VIT.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().startsWith("jclip spark: " + other + ": " + tmp.resolve("a.png") + " was embedded by model ViT-L-14:0123, not "),
                r.err());
        assertTrue(Files.notExists(index), "nothing written");
    }

    static String jclip(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}
