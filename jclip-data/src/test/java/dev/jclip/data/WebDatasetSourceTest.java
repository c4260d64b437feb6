package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.TarBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetSourceTest {
    @TempDir
    Path dir;

    private static List<Example> all(ImageTextSource s, long seed, List<DataError> errors) {
        try (Stream<Example> st = s.examples(seed, errors::add)) {
            return st.toList();
        }
    }

    private static List<String> keys(List<Example> xs) {
        return xs.stream().map(Example::key).toList();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Shard s holds samples s00..s09 (".jpg" bytes are placeholders, never decoded here). */
    private void writeShards(int shards) throws IOException {
        for (int s = 0; s < shards; s++) {
            TarBuilder t = new TarBuilder();
            for (int i = 0; i < 10; i++) {
                String key = "k" + s + "" + i;
                t.file(key + ".jpg", "jpeg").file(key + ".txt", "caption " + key);
            }
            write(String.format("shard-%02d.tar", s), t.finish());
        }
    }

    @Test
    void groupsFilesIntoSamples() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x00FF00);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        String longKey = "v1.0/" + "n".repeat(150);
        byte[] tar = new TarBuilder()
                .file("./v1.0/a.png", png.toByteArray()).file("./v1.0/a.txt", "  a red and a green pixel\n").file("./v1.0/a.cls", "3\n")
                .file("v1.0/b.JPG", "jpeg").file("v1.0/b.json", "{\"caption\": \"from json\", \"url\": \"x\"}")
                .file(longKey + ".gif", "gif").file(longKey + ".json", "{\"text\": \"text field\"}")
                .file("v1.0/c.jpg", "jpeg").file("v1.0/c.json", "{\"url\": \"no caption\"}")
                .file("v1.0/d.txt", "no image")
                .file("v1.0/e.jpg", "jpeg").file("v1.0/e.txt", "bad label").file("v1.0/e.cls", "cat")
                .file("v1.0/f.jpg", "jpeg").file("v1.0/f.txt", "last")
                .finish();
        Path shard = write("one.tar", tar);
        List<DataError> errors = new ArrayList<>();
        List<Example> xs = all(new WebDatasetSource(List.of(shard), 0), 0, errors);

        assertEquals(List.of("v1.0/a", "v1.0/b", longKey, "v1.0/f"), keys(xs));
        assertEquals(List.of("a red and a green pixel", "from json", "text field", "last"), xs.stream().map(Example::caption).toList());
        assertEquals(List.of(3, -1, -1, -1), xs.stream().map(Example::label).toList());
        BufferedImage decoded = xs.get(0).image().decode();
        assertEquals(0xFF0000, decoded.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x00FF00, decoded.getRGB(1, 0) & 0xFFFFFF);
        assertEquals("jpeg", new String(((ExampleImage.Encoded) xs.get(1).image()).bytes()));

        assertEquals(3, errors.size(), errors::toString);
        assertTrue(errors.get(0).toString().contains("sample v1.0/c: json has no string 'caption'"), errors.get(0)::toString);
        assertTrue(errors.get(1).toString().contains("sample v1.0/d: no image"), errors.get(1)::toString);
        assertTrue(errors.get(2).toString().contains("sample v1.0/e: class label 'cat'"), errors.get(2)::toString);
    }

    @Test
    void bracePatternListsShardsInOrder() throws IOException {
        writeShards(3);
        WebDatasetSource src = WebDatasetSource.open(List.of(dir + "/shard-{00..02}.tar"), 0);
        assertEquals(List.of(dir.resolve("shard-00.tar"), dir.resolve("shard-01.tar"), dir.resolve("shard-02.tar")), src.shards());
        List<String> keys = keys(all(src, 0, new ArrayList<>()));
        assertEquals(30, keys.size());
        assertEquals(List.of("k00", "k01", "k09", "k10", "k29"), List.of(keys.get(0), keys.get(1), keys.get(9), keys.get(10), keys.get(29)));
    }

    @Test
    void truncatedAndMissingShardsAreReportedAndSkipped() throws IOException {
        writeShards(3);
        // Each sample is 4 blocks (2048 bytes). Cut shard 1 inside k13.txt's data (k13 may lack parts: dropped)
        // and shard 2 inside k24.jpg's data (k23 was complete: kept).
        byte[] shard1 = Files.readAllBytes(dir.resolve("shard-01.tar"));
        write("shard-01.tar", Arrays.copyOf(shard1, 3 * 2048 + 1536 + 5));
        byte[] shard2 = Files.readAllBytes(dir.resolve("shard-02.tar"));
        write("shard-02.tar", Arrays.copyOf(shard2, 4 * 2048 + 512 + 2));
        List<DataError> errors = new ArrayList<>();
        WebDatasetSource src = WebDatasetSource.open(List.of(dir + "/shard-{00..01}.tar", dir + "/missing.tar", dir + "/shard-02.tar"), 0);
        List<String> keys = keys(all(src, 0, errors));

        assertEquals(List.of("k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07", "k08", "k09",
                "k10", "k11", "k12", "k20", "k21", "k22", "k23"), keys);
        assertEquals(3, errors.size(), errors::toString);
        assertEquals(dir.resolve("shard-01.tar")
                + ": at byte 7168: entry k13.txt cut short: 5 of 11 bytes (truncated?); the rest of this shard is skipped",
                errors.get(0).toString());
        assertEquals(dir.resolve("missing.tar") + ": missing shard", errors.get(1).toString());
        assertEquals(dir.resolve("shard-02.tar")
                + ": at byte 8192: entry k24.jpg cut short: 2 of 4 bytes (truncated?); the rest of this shard is skipped",
                errors.get(2).toString());

        DataError.DataException strict = assertThrows(DataError.DataException.class, () -> {
            try (Stream<Example> s = src.examples(0)) {
                s.forEach(e -> { });
            }
        });
        assertTrue(strict.error().where().endsWith("shard-01.tar"));
    }

    @Test
    void gzippedShardsAreRead() throws IOException {
        byte[] tar = new TarBuilder().file("a.jpg", "j").file("a.txt", "zipped").finish();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(tar);
        }
        Path shard = write("s.tar.gz", gz.toByteArray());
        List<Example> xs = all(new WebDatasetSource(List.of(shard), 0), 0, new ArrayList<>());
        assertEquals(List.of("zipped"), xs.stream().map(Example::caption).toList());

        Path cut = write("cut.tar.gz", Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        List<DataError> errors = new ArrayList<>();
        assertEquals(List.of(), all(new WebDatasetSource(List.of(cut), 0), 0, errors));
        assertEquals(1, errors.size());
        assertEquals(cut.toString(), errors.get(0).where());
        assertTrue(errors.get(0).message().endsWith("; the rest of this shard is skipped"), errors.get(0)::toString);
    }

    @Test
    void shuffleIsSeededAndKeepsEverySample() throws IOException {
        writeShards(4);
        WebDatasetSource src = WebDatasetSource.open(List.of(dir + "/shard-{00..03}.tar"), 8);
        List<String> a = keys(all(src, 42, new ArrayList<>()));
        List<String> b = keys(all(src, 42, new ArrayList<>()));
        List<String> c = keys(all(src, 43, new ArrayList<>()));
        assertEquals(a, b);
        assertNotEquals(a, c);
        List<String> inOrder = keys(all(WebDatasetSource.open(List.of(dir + "/shard-{00..03}.tar"), 0), 42, new ArrayList<>()));
        assertNotEquals(inOrder, a);
        assertEquals(inOrder.stream().sorted().toList(), a.stream().sorted().toList());
        assertEquals(inOrder.stream().sorted().toList(), c.stream().sorted().toList());
    }
}
