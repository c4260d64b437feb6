package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.api.ClipModel;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jclip index} and {@code jclip search}: results equal a brute-force ranking of the library's
 * embeddings; re-runs embed only new or changed files; the index survives reopening; another model is refused.
 */
@RequiresShared
class IndexSearchCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** (path, cosine) of every image against {@code query}, best first, ties by path. */
    static List<Map.Entry<String, Double>> bruteForce(ClipModel model, List<Path> images, float[] query) throws IOException {
        List<Map.Entry<String, Double>> all = new ArrayList<>();
        for (Path p : images) {
            all.add(Map.entry(p.toAbsolutePath().toString(), Cli.dot(model.embedImage(p), query)));
        }
        all.sort(Comparator.comparing((Map.Entry<String, Double> e) -> -e.getValue()).thenComparing(Map.Entry::getKey));
        return all;
    }

    static void assertResults(List<Map.Entry<String, Double>> expected, JsonNode results, int k) {
        assertEquals(Math.min(k, expected.size()), results.size(), results.toString());
        for (int i = 0; i < results.size(); i++) {
            assertEquals(List.of("path", "score"), names(results.get(i)));
            assertEquals(expected.get(i).getKey(), results.get(i).get("path").textValue(), "rank " + i);
            assertEquals(expected.get(i).getValue(), results.get(i).get("score").doubleValue(), 1e-5, "score " + i);
        }
    }

    static List<String> names(JsonNode node) {
        List<String> n = new ArrayList<>();
        node.fieldNames().forEachRemaining(n::add);
        return n;
    }

    List<Path> images() throws IOException {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(Cli.png(dir.resolve("photos").resolve(i < 2 ? "sub/p" + i + ".png" : "p" + i + ".png"), i + 1));
        }
        return out;
    }

    @Test
    void searchEqualsBruteForceAndSurvivesReopening() throws IOException {
        List<Path> images = images();
        Path bad = Cli.bad(dir.resolve("photos/sub/zz.jpg"));
        Path index = dir.resolve("index");
        Cli built = Cli.run("index", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(), "--batch", "2",
                "--images", dir.resolve("photos").toString(), "--index", index.toString());
        assertEquals(1, built.code, built.err);
        assertTrue(built.err.contains("jclip index: skipped " + bad.toAbsolutePath() + ": "), built.err);
        assertTrue(built.out.startsWith("indexed 5 new or changed images (0 unchanged, 0 removed, 1 failed); " + index + " holds 5 images"),
                built.out);

        ClipModel model = ClipModel.load(Cli.VIT, Cli.VOCAB);
        List<Map.Entry<String, Double>> expected = bruteForce(model, images, model.embedText("a photo of a dog"));
        for (boolean exact : new boolean[] {true, false}) {
            // No --model and no --vocab: both come from the index folder. HNSW on 5 vectors finds them all.
            Cli r = exact ? Cli.run("search", "--index", index.toString(), "--text", "a photo of a dog", "--k", "3", "--json", "--exact")
                    : Cli.run("search", "--index", index.toString(), "--text", "a photo of a dog", "--k", "3", "--json");
            assertEquals(0, r.code, r.err);
            JsonNode line = JSON.readTree(r.out);
            assertEquals(List.of("query", "results"), names(line));
            assertEquals("a photo of a dog", line.get("query").textValue());
            assertResults(expected, line.get("results"), 3);
        }

        Path query = images.get(3);
        Cli byImage = Cli.run("search", "--index", index.toString(), "--image", query.toString(), "--exact", "--k", "10");
        assertEquals(0, byImage.code, byImage.err);
        List<Map.Entry<String, Double>> expectedImage = bruteForce(model, images, model.embedImage(query));
        assertEquals(query.toAbsolutePath().toString(), expectedImage.get(0).getKey());
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Double> e : expectedImage) {
            text.append(String.format(Locale.ROOT, "%.4f  %s%n", e.getValue(), e.getKey()));
        }
        assertEquals(text.toString(), byImage.out);
    }

    @Test
    void rerunsEmbedOnlyNewOrChangedFilesAndForgetDeletedOnes() throws IOException {
        List<Path> images = images();
        Path index = dir.resolve("index");
        String[] args = {"index", "--model", Cli.VIT.toString(), "--images", dir.resolve("photos").toString(), "--index", index.toString()};
        assertEquals(0, Cli.run(args).code);
        Cli again = Cli.run(args);
        assertEquals(0, again.code, again.err);
        assertTrue(again.out.startsWith("indexed 0 new or changed images (5 unchanged, 0 removed)"), again.out);

        Cli.png(images.get(1), 9);   // new content: p1 now looks like image 9
        Files.setLastModifiedTime(images.get(1), FileTime.fromMillis(Files.getLastModifiedTime(images.get(1)).toMillis() + 5000));
        Path added = Cli.png(dir.resolve("photos/new.png"), 7);
        Files.delete(images.get(4));
        Cli third = Cli.run(args);
        assertEquals(0, third.code, third.err);
        assertTrue(third.out.startsWith("indexed 2 new or changed images (3 unchanged, 1 removed); " + index + " holds 5 images"), third.out);

        List<Path> now = List.of(images.get(0), images.get(1), images.get(2), images.get(3), added);
        ClipModel model = ClipModel.load(Cli.VIT);
        Cli r = Cli.run("search", "--index", index.toString(), "--image", images.get(1).toString(), "--exact", "--json", "--k", "5");
        assertEquals(0, r.code, r.err);
        JsonNode results = JSON.readTree(r.out).get("results");
        assertResults(bruteForce(model, now, model.embedImage(images.get(1))), results, 5);
        assertEquals(1.0, results.get(0).get("score").doubleValue(), 1e-5, "the changed file was re-embedded");
    }

    @Test
    void anotherModelIsRefused() throws IOException {
        images();
        Path index = dir.resolve("index");
        assertEquals(0, Cli.run("index", "--model", Cli.VIT.toString(), "--images", dir.resolve("photos").toString(),
                "--index", index.toString()).code);
        Path query = dir.resolve("photos/p2.png");
        // Same shape and weights, other files (the Hugging Face layout): another id.
        for (Path other : List.of(Cli.RN, Shared.path("fixtures/models/vit-tiny/hf"))) {
            Cli s = Cli.run("search", "--index", index.toString(), "--model", other.toString(), "--image", query.toString());
            assertEquals(1, s.code);
            assertTrue(s.err.startsWith("jclip: index at " + index + " was built by custom:"), s.err);
            assertTrue(s.err.contains(", the query uses custom:"), s.err);
            Cli i = Cli.run("index", "--model", other.toString(), "--images", query.toString(), "--index", index.toString());
            assertEquals(1, i.code);
            assertTrue(i.err.contains("was built by custom:"), i.err);
        }
        Cli none = Cli.run("search", "--index", dir.resolve("nothing").toString(), "--text", "x");
        assertEquals(1, none.code);
        assertTrue(none.err.contains("no index at " + dir.resolve("nothing")), none.err);
        // The model was stored without a vocabulary and has none beside it: a text query says how to fix that.
        Cli noVocab = Cli.run("search", "--index", index.toString(), "--text", "x");
        assertEquals(1, noVocab.code);
        assertTrue(noVocab.err.contains("no tokenizer for model"), noVocab.err);
    }

    /** The offset in {@code file} of the little-endian floats that start {@code vector} (to 1e-5), or -1. */
    static int offsetOf(byte[] file, float[] vector) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 32 <= file.length; at++) {
            int i = 0;
            while (i < 8 && Math.abs(b.getFloat(at + 4 * i) - vector[i]) <= 1e-5) {
                i++;
            }
            if (i == 8) {
                return at;
            }
        }
        return -1;
    }

    @Test
    void aDamagedIndexIsRefusedByEveryCommandNamingTheFile() throws IOException {
        List<Path> images = images();
        Path index = dir.resolve("index");
        String[] build = {"index", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(),
                "--images", dir.resolve("photos").toString(), "--index", index.toString()};
        assertEquals(0, Cli.run(build).code);
        Cli intact = Cli.run("index", "--verify", "--index", index.toString());
        assertEquals(0, intact.code, intact.err);
        assertTrue(intact.out.startsWith(index + " is intact: 5 items of model custom:"), intact.out);
        assertTrue(intact.out.contains(" dimensions) in 1 segment, "), intact.out);

        // 16 bytes flipped inside the stored vector of the best hit for the query image: before
        // checksums were verified, search answered with another first hit and exit code 0.
        ClipModel model = ClipModel.load(Cli.VIT);
        Path query = images.get(2);
        Path segment = index.resolve("_0.cfs");
        byte[] bytes = Files.readAllBytes(segment);
        int at = offsetOf(bytes, model.embedImage(query));
        assertTrue(at > 0, "the vector is stored in " + segment);
        for (int i = at; i < at + 16; i++) {
            bytes[i] ^= (byte) 0xA5;
        }
        Files.write(segment, bytes);

        String damaged = "jclip: index at " + index + " is damaged: _0.cfs (part _0_Lucene99HnswVectorsFormat_0.vec): checksum failed";
        String rebuild = "Rebuild it: delete " + index + " and run jclip index again with the same --model and --images";
        List<Cli> runs = List.of(
                Cli.run("search", "--index", index.toString(), "--image", query.toString()),
                Cli.run("search", "--index", index.toString(), "--image", query.toString(), "--exact"),
                Cli.run("search", "--index", index.toString(), "--text", "a photo of a dog", "--exact"),
                Cli.run(build),
                Cli.run("index", "--verify", "--index", index.toString()),
                Cli.run("serve", "--model", Cli.VIT.toString(), "--index", index.toString(), "--port", "0"));
        for (Cli r : runs) {
            assertEquals(1, r.code, r.out + r.err);
            assertEquals("", r.out);
            assertTrue(r.err.startsWith(damaged), r.err);
            assertTrue(r.err.strip().endsWith(rebuild), r.err);
        }
    }

    @Test
    void rerunsKeepTheRecordedModelAndVocabulary() throws IOException {
        List<Path> images = images();
        Path index = dir.resolve("index");
        assertEquals(0, Cli.run("index", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(),
                "--images", images.get(0).toString(), "--index", index.toString()).code);
        String recorded = Files.readString(index.resolve(IndexInfo.FILE));
        // Without --vocab, and without --model: both as recorded.
        Cli withModel = Cli.run("index", "--model", Cli.VIT.toString(), "--images", images.get(1).toString(), "--index", index.toString());
        assertEquals(0, withModel.code, withModel.err);
        Cli withNeither = Cli.run("index", "--images", images.get(2).toString(), "--index", index.toString());
        assertEquals(0, withNeither.code, withNeither.err);
        assertTrue(withNeither.out.startsWith("indexed 1 new or changed images (0 unchanged, 0 removed); " + index + " holds 3 images"),
                withNeither.out);
        assertEquals(recorded, Files.readString(index.resolve(IndexInfo.FILE)));
        assertEquals(new IndexInfo(Cli.VIT.toAbsolutePath().toString(), null, Cli.VOCAB.toAbsolutePath()), IndexInfo.read(index));

        Cli text = Cli.run("search", "--index", index.toString(), "--text", "a photo of a dog", "--exact", "--json");
        assertEquals(0, text.code, text.err);
        ClipModel model = ClipModel.load(Cli.VIT, Cli.VOCAB);
        assertResults(bruteForce(model, images.subList(0, 3), model.embedText("a photo of a dog")),
                JSON.readTree(text.out).get("results"), 10);
    }

    @Test
    void aBrokenRecordNamesTheFileAndPlaceWithoutQuotingIt() throws IOException {
        images();
        Path index = dir.resolve("index");
        assertEquals(0, Cli.run("index", "--model", Cli.VIT.toString(), "--images", dir.resolve("photos").toString(),
                "--index", index.toString()).code);
        Path record = index.resolve(IndexInfo.FILE);
        Files.writeString(record, "{\"model\":\n  secret-token}");
        for (Cli r : List.of(Cli.run("search", "--index", index.toString(), "--image", dir.resolve("photos/p2.png").toString()),
                Cli.run("index", "--images", dir.resolve("photos").toString(), "--index", index.toString()))) {
            assertEquals(1, r.code);
            assertEquals("jclip: " + record + " is not valid JSON (line 2, column 3); give --model (and --vocab) or delete it; "
                    + "jclip index then writes it anew" + System.lineSeparator(), r.err);
        }
        Files.writeString(record, "{\"vocab\": \"/v.txt\"}");
        Cli noModel = Cli.run("search", "--index", index.toString(), "--image", dir.resolve("photos/p2.png").toString());
        assertEquals(1, noModel.code);
        assertTrue(noModel.err.startsWith("jclip: " + record + " names no model; give --model"), noModel.err);
        // Told the model and the vocabulary, a re-run needs no record and writes it anew.
        Cli fixed = Cli.run("index", "--model", Cli.VIT.toString(), "--vocab", Cli.VOCAB.toString(),
                "--images", dir.resolve("photos").toString(), "--index", index.toString());
        assertEquals(0, fixed.code, fixed.err);
        assertEquals(new IndexInfo(Cli.VIT.toAbsolutePath().toString(), null, Cli.VOCAB.toAbsolutePath()), IndexInfo.read(index));
    }
}
