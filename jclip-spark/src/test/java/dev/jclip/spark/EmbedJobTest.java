package dev.jclip.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embedding jobs in local[2] Spark against the same model called directly. */
@RequiresShared
class EmbedJobTest {
    static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    static final Path VOCAB = Shared.path("clip/bpe_simple_vocab_16e6.txt.gz");
    static final ModelRef REF = new ModelRef(VIT.toString(), VOCAB.toString());

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
    }

    @TempDir
    Path tmp;

    @Test
    void imageEmbeddingsAreBitIdenticalToTheModelsAndBadItemsAreRows() throws IOException {
        List<Path> good = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            good.add(png(tmp.resolve("images/" + (i % 2 == 0 ? "a" : "b/c") + "/img" + i + ".png"), i));
        }
        Path bad = Files.writeString(tmp.resolve("images/b/broken.jpg"), "not an image");
        Files.writeString(tmp.resolve("images/notes.txt"), "not listed");

        List<String> items = new ArrayList<>(Inputs.imageFiles(spark, tmp.resolve("images").toString()));
        assertEquals(8, items.size(), items.toString());
        items.add(tmp.resolve("images/missing.png").toString());
        String out = tmp.resolve("out").toString();
        EmbedJob.Summary s = new EmbedJob(spark, REF, 4, 2).run(EmbedJob.Kind.IMAGES, items, out);
        assertEquals(new EmbedJob.Summary(3, 0, 9, 2), s);

        ClipModel model = ClipModel.load(VIT, VOCAB);
        float[][] expected = model.embedImageFiles(good);
        Map<String, Row> rows = byKey(out);
        assertEquals(9, rows.size());
        for (int i = 0; i < good.size(); i++) {
            Row r = rows.get("file:" + good.get(i));
            assertNotNull(r, "no row for " + good.get(i) + " in " + rows.keySet());
            assertArrayEquals(expected[i], floats(r), "image " + i);
            assertNull(r.getAs("error"));
            assertEquals(model.id(), r.getAs("model"));
            assertEquals(1.0, norm(floats(r)), 1e-5);
        }
        Row broken = rows.get("file:" + bad);
        assertNull(broken.getAs("embedding"));
        assertTrue(((String) broken.getAs("error")).contains("broken.jpg"), broken.toString());
        Row missing = rows.get(tmp.resolve("images/missing.png").toString());
        assertNull(missing.getAs("embedding"));
        assertEquals("no such file: " + tmp.resolve("images/missing.png"), missing.getAs("error"));
    }

    @Test
    void aRerunSkipsFinishedChunksAndRedoesTheOthers() throws IOException {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(png(tmp.resolve("in/img" + i + ".png"), i).toString());
        }
        String out = tmp.resolve("out").toString();
        EmbedJob job = new EmbedJob(spark, REF, 2, 2);
        assertEquals(new EmbedJob.Summary(3, 0, 5, 0), job.run(EmbedJob.Kind.IMAGES, items, out));
        Map<String, Row> first = byKey(out);

        // A killed run: chunk 1 never got renamed into place and left a half-written attempt behind.
        Path chunk0 = tmp.resolve("out/chunk=00000"), chunk1 = tmp.resolve("out/chunk=00001");
        FileTime before = newest(chunk0);
        deleteTree(chunk1);
        Files.createDirectories(tmp.resolve("out/_attempt/chunk=00001"));
        Files.writeString(tmp.resolve("out/_attempt/chunk=00001/part-half.parquet"), "truncated");

        assertEquals(new EmbedJob.Summary(1, 2, 2, 0), job.run(EmbedJob.Kind.IMAGES, items, out));
        assertEquals(before, newest(chunk0));
        assertTrue(Files.notExists(tmp.resolve("out/_attempt")));
        Map<String, Row> second = byKey(out);
        assertEquals(first.keySet(), second.keySet());
        for (String k : first.keySet()) {
            assertArrayEquals(floats(first.get(k)), floats(second.get(k)), k);
        }
        assertEquals(new EmbedJob.Summary(0, 3, 0, 0), job.run(EmbedJob.Kind.IMAGES, items, out));
    }

    @Test
    void textEmbeddingsAreBitIdenticalToTheModels() throws IOException {
        Path file = Files.writeString(tmp.resolve("texts.txt"), "a photo of a cat\n\na diagram\nsomething else entirely\n");
        List<String> texts = Inputs.lines(spark, file.toString());
        assertEquals(List.of("a photo of a cat", "a diagram", "something else entirely"), texts);
        String out = tmp.resolve("out").toString();
        assertEquals(new EmbedJob.Summary(2, 0, 3, 0), new EmbedJob(spark, REF, 2, 2).run(EmbedJob.Kind.TEXTS, texts, out));
        float[][] expected = ClipModel.load(VIT, VOCAB).embedTexts(texts);
        Map<String, Row> rows = byKey(out);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected[i], floats(rows.get(texts.get(i))), texts.get(i));
        }
    }

    @Test
    void theLibraryApiKeepsEveryRowOfAUsersDataset() throws IOException {
        Path a = png(tmp.resolve("a.png"), 1), b = png(tmp.resolve("b.png"), 2);
        var in = spark.createDataset(List.of(a.toString(), b.toString(), a.toString()),
                org.apache.spark.sql.Encoders.STRING()).toDF("path");
        List<Row> rows = ClipSpark.embedImages(in, "path", REF).collectAsList();
        assertEquals(3, rows.size());
        float[] ea = ClipModel.load(VIT, VOCAB).embedImage(a);
        assertArrayEquals(ea, floats(rows.get(0)));
        assertArrayEquals(ea, floats(rows.get(2)));
        assertEquals(b.toString(), rows.get(1).getAs("key"));
    }

    static Map<String, Row> byKey(String out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : spark.read().parquet(out).collectAsList()) {
            assertNull(m.put(r.getAs("key"), r), "duplicate row " + r.getAs("key"));
        }
        return m;
    }

    static float[] floats(Row r) {
        List<Float> list = r.getList(r.fieldIndex("embedding"));
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = list.get(i);
        }
        return f;
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).max(FileTime::compareTo).orElseThrow();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A 32x32 PNG with a pattern that depends on {@code seed}. */
    static Path png(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int r = (x * 8 + seed * 50) & 0xFF, g = (y * 8 + seed * 90) & 0xFF, b = (seed * 70 + x * y) & 0xFF;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
