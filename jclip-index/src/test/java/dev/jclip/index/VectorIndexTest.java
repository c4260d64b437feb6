package dev.jclip.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexTest {
    private static final String MODEL = "ViT-B-32@sha256:0123abcd";

    @TempDir
    Path tmp;

    /** A Gaussian vector normalized in double: unit length to float rounding. */
    static float[] randomUnit(Random rnd, int dim) {
        double[] g = new double[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            g[i] = rnd.nextGaussian();
            norm += g[i] * g[i];
        }
        norm = Math.sqrt(norm);
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (g[i] / norm);
        }
        return v;
    }

    /** The k best of {@code stored} for {@code q} by a double-precision dot product; ties by path. */
    static List<Hit> bruteForce(Map<String, float[]> stored, float[] q, int k) {
        List<Hit> all = new ArrayList<>();
        for (Map.Entry<String, float[]> e : stored.entrySet()) {
            double dot = 0;
            for (int i = 0; i < q.length; i++) {
                dot += (double) q[i] * e.getValue()[i];
            }
            all.add(new Hit(e.getKey(), (float) dot));
        }
        all.sort(Comparator.comparing(Hit::score, Comparator.reverseOrder()).thenComparing(Hit::path));
        return all.subList(0, Math.min(k, all.size()));
    }

    static void assertSameHits(List<Hit> expected, List<Hit> actual, double tol) {
        assertEquals(expected.stream().map(Hit::path).toList(), actual.stream().map(Hit::path).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), tol, expected.get(i).path());
        }
    }

    /** Adds {@code n} random vectors as "item-00000"... to the index and to {@code stored}. */
    static void addRandom(VectorIndex index, Map<String, float[]> stored, Random rnd, int from, int n) throws IOException {
        for (int i = from; i < from + n; i++) {
            String path = String.format("item-%05d", i);
            float[] v = randomUnit(rnd, index.dimension());
            index.upsert(path, i, 1000L + i, v);
            stored.put(path, v);
        }
    }

    @Test
    void exactSearchAfterReopenEqualsBruteForce() throws IOException {
        Path dir = tmp.resolve("idx");
        Random rnd = new Random(1);
        Map<String, float[]> stored = new LinkedHashMap<>();
        // Two sessions, so the index has two segments, and replaced vectors, so it has deletions.
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 32)) {
            addRandom(index, stored, rnd, 0, 400);
        }
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 32)) {
            addRandom(index, stored, rnd, 300, 300);
        }
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            assertEquals(600, index.size());
            assertEquals(32, index.dimension());
            for (int q = 0; q < 30; q++) {
                float[] query = randomUnit(rnd, 32);
                assertSameHits(bruteForce(stored, query, 10), index.searchExact(query, 10), 1e-6);
            }
            float[] query = randomUnit(rnd, 32);
            assertSameHits(bruteForce(stored, query, 600), index.searchExact(query, 1000), 1e-6);
        }
    }

    @Test
    void tiesAreOrderedByPath() throws IOException {
        Random rnd = new Random(2);
        float[] v = randomUnit(rnd, 8);
        try (VectorIndex index = VectorIndex.open(tmp.resolve("idx"), MODEL, 8)) {
            for (int i = 0; i < 50; i++) {
                index.upsert("other-" + i, 0, 0, randomUnit(rnd, 8));
            }
            // Same vector under three paths, inserted out of path order.
            index.upsert("c", 0, 0, v);
            index.upsert("a", 0, 0, v);
            index.upsert("b", 0, 0, v);
            List<Hit> exact = index.searchExact(v, 2);
            assertEquals(List.of("a", "b"), exact.stream().map(Hit::path).toList());
            assertEquals(exact.get(0).score(), exact.get(1).score());
            assertEquals(1.0, exact.get(0).score(), 1e-6);
            assertEquals(List.of("a", "b", "c"), index.search(v, 3).stream().map(Hit::path).toList());
        }
    }

    @Test
    void hnswOnSmallCollectionEqualsBruteForce() throws IOException {
        // Below Lucene's graph threshold (a few hundred vectors) a segment is searched exhaustively.
        Path dir = tmp.resolve("idx");
        Random rnd = new Random(3);
        Map<String, float[]> stored = new LinkedHashMap<>();
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 24)) {
            addRandom(index, stored, rnd, 0, 300);
        }
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            for (int q = 0; q < 30; q++) {
                float[] query = randomUnit(rnd, 24);
                // Lucene stores (1 + dot) / 2 as a float: the converted score is good to ~1e-7.
                assertSameHits(bruteForce(stored, query, 10), index.search(query, 10), 1e-6);
            }
        }
    }

    @Test
    void hnswGraphFindsNearlyAllTrueNeighboursWithExactScores() throws IOException {
        Path dir = tmp.resolve("idx");
        Random rnd = new Random(4);
        Map<String, float[]> stored = new LinkedHashMap<>();
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 16)) {
            addRandom(index, stored, rnd, 0, 3000);
        }
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            int queries = 50;
            int found = 0;
            int foundWithMoreCandidates = 0;
            for (int q = 0; q < queries; q++) {
                float[] query = randomUnit(rnd, 16);
                List<String> truth = bruteForce(stored, query, 10).stream().map(Hit::path).toList();
                List<Hit> hits = index.search(query, 10);
                assertEquals(10, hits.size());
                for (int i = 0; i < hits.size(); i++) {
                    Hit h = hits.get(i);
                    assertEquals(bruteForce(Map.of(h.path(), stored.get(h.path())), query, 1).getFirst().score(), h.score(), 1e-6);
                    assertTrue(i == 0 || hits.get(i - 1).score() >= h.score());
                    found += truth.contains(h.path()) ? 1 : 0;
                }
                for (Hit h : index.search(query, 10, 100)) {
                    foundWithMoreCandidates += truth.contains(h.path()) ? 1 : 0;
                }
            }
            // Measured 0.934 and 1.0 (Lucene builds the graph deterministically).
            double recall = found / (10.0 * queries);
            assertTrue(recall >= 0.9, "recall@10 " + recall);
            assertEquals(10 * queries, foundWithMoreCandidates);
            assertThrows(IllegalArgumentException.class, () -> index.search(randomUnit(rnd, 16), 10, 9));
        }
    }

    @Test
    void modelMismatchIsRefused() throws IOException {
        Path dir = tmp.resolve("idx");
        try (VectorIndex index = VectorIndex.open(dir, "clip-a@111", 4)) {
            index.upsert("x", 1, 2, new float[] {1, 0, 0, 0});
        }
        assertEquals("clip-a@111", VectorIndex.builtBy(dir));
        var e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.openForSearch(dir, "clip-b@222"));
        assertEquals("index at " + dir + " was built by clip-a@111, the query uses clip-b@222", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(dir, "clip-b@222", 4));
        assertEquals("index at " + dir + " was built by clip-a@111, this run uses clip-b@222", e.getMessage());
        // The refused opens left the index as it was.
        try (VectorIndex index = VectorIndex.openForSearch(dir, "clip-a@111")) {
            assertEquals(List.of(new IndexEntry("x", 1, 2)), index.entries());
        }
    }

    @Test
    void dimensionMismatchIsRefused() throws IOException {
        Path dir = tmp.resolve("idx");
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 4)) {
            var e = assertThrows(IllegalArgumentException.class, () -> index.upsert("x", 0, 0, new float[] {1, 0, 0}));
            assertEquals("vector of x has 3 dimensions, the index at " + dir + " holds 4-dim vectors", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {0, 0, 0, 0, 1}, 3));
            assertEquals("query vector has 5 dimensions, the index at " + dir + " holds 4-dim vectors", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> index.searchExact(new float[] {1}, 3));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(dir, MODEL, 8));
        assertEquals("index at " + dir + " holds 4-dim vectors, this run gives 8-dim vectors", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(tmp.resolve("other"), MODEL, 0));
        assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(tmp.resolve("other"), MODEL, VectorIndex.MAX_DIMENSION + 1));
    }

    @Test
    void nonUnitVectorsAreRefused() throws IOException {
        try (VectorIndex index = VectorIndex.open(tmp.resolve("idx"), MODEL, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> index.upsert("x", 0, 0, new float[] {1, 1}));
            assertEquals("vector of x is not unit length (squared norm 2.0): the index scores by dot product,"
                    + " so L2-normalize embeddings first", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> index.upsert("x", 0, 0, new float[] {Float.NaN, 0}));
            assertThrows(IllegalArgumentException.class, () -> index.upsert("x", 0, 0, new float[] {0, 0}));
            assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {0.5f, 0}, 1));
            // Within tolerance: |0.99996² − 1| ≈ 8.0e-5; outside: |0.9999² − 1| ≈ 2.0e-4.
            index.upsert("y", 0, 0, new float[] {0.99996f, 0});
            assertThrows(IllegalArgumentException.class, () -> index.upsert("z", 0, 0, new float[] {0.9999f, 0}));
            assertEquals(1, index.size());
        }
    }

    @Test
    void incrementalUpdateReplacesChangedItemsAndForgetsVanishedOnes() throws IOException {
        Path dir = tmp.resolve("idx");
        float[] a1 = {1, 0, 0};
        float[] a2 = {0, 1, 0};
        float[] b = {0, 0, 1};
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 3)) {
            assertTrue(index.needsUpdate("a", 10, 100));
            index.upsert("a", 10, 100, a1);
            index.upsert("b", 20, 200, b);
            // Seen before the searcher refreshes, and after.
            assertFalse(index.needsUpdate("a", 10, 100));
            assertEquals(2, index.size());
            assertFalse(index.needsUpdate("a", 10, 100));
            assertFalse(index.needsUpdate("b", 20, 200));
            assertTrue(index.needsUpdate("a", 11, 100));
            assertTrue(index.needsUpdate("a", 10, 101));
            assertTrue(index.needsUpdate("c", 10, 100));
        }
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 3)) {
            assertFalse(index.needsUpdate("a", 10, 100));
            // "a" changed on disk: re-embed it.
            assertTrue(index.needsUpdate("a", 12, 300));
            index.upsert("a", 12, 300, a2);
            assertFalse(index.needsUpdate("a", 12, 300));
            assertTrue(index.needsUpdate("a", 10, 100));
            assertEquals(2, index.size());
            assertEquals(List.of(new Hit("a", 1f), new Hit("b", 0f)), index.searchExact(a2, 2));
            assertEquals(List.of(new Hit("a", 1f), new Hit("b", 0f)), index.search(a2, 2));
            // The old vector of "a" is gone: nothing scores 1 against it.
            assertEquals(0f, index.searchExact(a1, 1).getFirst().score());
        }
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 3)) {
            assertEquals(List.of(new IndexEntry("a", 12, 300), new IndexEntry("b", 20, 200)), index.entries());
            assertEquals(new IndexEntry("b", 20, 200), index.entry("b"));
            assertEquals(1, index.deleteIf(e -> e.path().equals("b")));
            assertNull(index.entry("b"));
            assertTrue(index.needsUpdate("b", 20, 200));
            assertFalse(index.delete("b"));
            assertTrue(index.delete("a"));
            assertEquals(List.of(), index.entries());
            index.upsert("a", 12, 300, a2);
        }
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            assertEquals(List.of(new IndexEntry("a", 12, 300)), index.entries());
            assertEquals(List.of(new Hit("a", 1f)), index.searchExact(a2, 5));
            assertThrows(IllegalStateException.class, () -> index.upsert("c", 0, 0, b));
        }
    }

    @Test
    void emptyIndexSurvivesReopenAndFindsNothing() throws IOException {
        Path dir = tmp.resolve("idx");
        VectorIndex.open(dir, MODEL, 5).close();
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            assertEquals(0, index.size());
            assertEquals(List.of(), index.search(new float[] {1, 0, 0, 0, 0}, 3));
            assertEquals(List.of(), index.searchExact(new float[] {1, 0, 0, 0, 0}, 3));
        }
    }

    @Test
    void wideVectorsOfViTBigGAreStored() throws IOException {
        // 1280 dimensions: beyond Lucene's default cap of 1024.
        Path dir = tmp.resolve("idx");
        Random rnd = new Random(5);
        Map<String, float[]> stored = new LinkedHashMap<>();
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 1280)) {
            addRandom(index, stored, rnd, 0, 20);
        }
        try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
            float[] query = randomUnit(rnd, 1280);
            assertSameHits(bruteForce(stored, query, 5), index.search(query, 5), 1e-6);
            assertSameHits(bruteForce(stored, query, 5), index.searchExact(query, 5), 1e-6);
        }
    }

    @Test
    void badFoldersAreRefused() throws IOException {
        Path notEmpty = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(notEmpty.resolve("cat.jpg"), "not an index");
        var e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(notEmpty, MODEL, 4));
        assertEquals(notEmpty + " is not empty and holds no jclip index: give a new or empty folder", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.openForSearch(tmp.resolve("missing"), MODEL));
        assertEquals("no index at " + tmp.resolve("missing") + ": build one first (jclip index)", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("missing")));
        Path dir = tmp.resolve("idx");
        try (VectorIndex index = VectorIndex.open(dir, MODEL, 4)) {
            var locked = assertThrows(IOException.class, () -> VectorIndex.open(dir, MODEL, 4));
            assertEquals("index at " + dir + " is open for writing by another process", locked.getMessage());
            // A reader needs no lock.
            try (VectorIndex reader = VectorIndex.openForSearch(dir, MODEL)) {
                assertEquals(0, reader.size());
            }
            assertEquals(0, index.size());
        }
    }
}
