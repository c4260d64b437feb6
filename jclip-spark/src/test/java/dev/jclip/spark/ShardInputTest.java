package dev.jclip.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip spark embed --shards} (WebDataset tars) and {@code --input} with a caption column, on local[2]. */
@RequiresShared
class ShardInputTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        EmbedJobTest.spark = LocalSpark.session();
    }

    @Test
    void shardSamplesAreEmbeddedWithTheirCaptionsAndBadOnesAreErrorRows() throws IOException {
        byte[] a = pngBytes(1), b = pngBytes(2), e = pngBytes(3);
        Path dir = Files.createDirectories(tmp.resolve("shards"));
        Files.write(dir.resolve("shard-0000.tar"), new TarBuilder()
                .file("a.png", a).file("a.txt", "  a red square\n")
                .file("sub/b.png", b).file("sub/b.txt", "a blue circle")
                .file("c.jpg", "not a jpeg".getBytes()).file("c.txt", "corrupt")
                .file("d.txt", "no image at all").finish());
        byte[] second = new TarBuilder().file("e.png", e).file("e.json", "{\"caption\": \"from json\"}")
                .file("f.png", a).file("f.txt", "cut off").finish();
        // Cut 100 bytes into f.png's data: headers of e.png, e.json and f.png, e's blocks and the json's one before it.
        int cut = 3 * 512 + (e.length + 511) / 512 * 512 + 512 + 100;
        Files.write(dir.resolve("shard-0001.tar"), Arrays.copyOf(second, cut));
        String out = tmp.resolve("out").toString();

        SparkCommandsTest.Run r = SparkCommandsTest.run("embed", "--model", EmbedJobTest.VIT.toString(), "--vocab",
                EmbedJobTest.VOCAB.toString(), "--shards", dir + "/shard-{0000..0002}.tar", "--output", out);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().startsWith("embedded 3 of 7 samples of 3 shards into " + out + " (1 chunks written, 0 already there)"), r.out());

        ClipModel model = ClipModel.load(EmbedJobTest.VIT, EmbedJobTest.VOCAB);
        Map<String, Row> rows = EmbedJobTest.byKey(out);
        String s0 = "file:" + dir.resolve("shard-0000.tar"), s1 = "file:" + dir.resolve("shard-0001.tar");
        String s2 = "file:" + dir.resolve("shard-0002.tar");
        assertEquals(java.util.Set.of(s0 + "/a", s0 + "/sub/b", s0 + "/c", s0 + "/d", s1 + "/e", s1, s2), rows.keySet());
        assertArrayEquals(model.embedImage(a), EmbedJobTest.floats(rows.get(s0 + "/a")));
        assertEquals("a red square", rows.get(s0 + "/a").getAs("caption"));
        assertArrayEquals(model.embedImage(b), EmbedJobTest.floats(rows.get(s0 + "/sub/b")));
        assertEquals("a blue circle", rows.get(s0 + "/sub/b").getAs("caption"));
        assertArrayEquals(model.embedImage(e), EmbedJobTest.floats(rows.get(s1 + "/e")));
        assertEquals("from json", rows.get(s1 + "/e").getAs("caption"));

        Row corrupt = rows.get(s0 + "/c");
        assertNull(corrupt.getAs("embedding"));
        assertEquals("corrupt", corrupt.getAs("caption"));
        assertTrue(((String) corrupt.getAs("error")).contains(s0 + "/c"), corrupt.toString());
        assertEquals("sample " + s0 + "/d has no image (jpg/jpeg/png/gif/bmp/webp/tif/tiff), has [txt]", rows.get(s0 + "/d").getAs("error"));
        // The truncated shard keeps e, loses f (cut short) and says so under the shard's own key.
        String damage = rows.get(s1).getAs("error");
        assertTrue(damage.startsWith(s1 + ": at byte ") && damage.endsWith("; the rest of this shard is skipped"), damage);
        assertEquals("no such shard: " + s2, rows.get(s2).getAs("error"));
    }

    @Test
    void aParquetCaptionColumnIsKept() throws IOException {
        Path a = EmbedJobTest.png(tmp.resolve("a.png"), 4), b = EmbedJobTest.png(tmp.resolve("b.png"), 5);
        StructType schema = new StructType().add("path", DataTypes.StringType).add("text", DataTypes.StringType);
        String in = tmp.resolve("in.parquet").toString();
        EmbedJobTest.spark.createDataFrame(List.of(RowFactory.create(a.toString(), "first"), RowFactory.create(b.toString(), null)), schema)
                .coalesce(1).write().parquet(in);
        String out = tmp.resolve("out").toString();
        SparkCommandsTest.Run r = SparkCommandsTest.run("embed", "--model", EmbedJobTest.VIT.toString(), "--input", in,
                "--caption-column", "text", "--output", out);
        assertEquals(0, r.code(), r.err());
        Map<String, Row> rows = EmbedJobTest.byKey(out);
        assertEquals("first", rows.get(a.toString()).getAs("caption"));
        assertNull(rows.get(b.toString()).getAs("caption"));
        assertArrayEquals(ClipModel.load(EmbedJobTest.VIT).embedImage(b), EmbedJobTest.floats(rows.get(b.toString())));
        assertEquals(List.of("first"), EmbedJobTest.spark.read().parquet(out).filter("caption is not null").select("caption")
                .as(Encoders.STRING()).collectAsList());
    }

    static byte[] pngBytes(int seed) throws IOException {
        Path f = Files.createTempFile("jclip-shard", ".png");
        try {
            return Files.readAllBytes(EmbedJobTest.png(f, seed));
        } finally {
            Files.delete(f);
        }
    }
}
