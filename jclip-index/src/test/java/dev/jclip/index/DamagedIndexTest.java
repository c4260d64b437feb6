package dev.jclip.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of an index damaged in turn (16 bytes flipped in its middle, cut short, deleted): opening
 * it for search or for writing, and {@link VectorIndex#verify}, each refuse it naming that file, and
 * nothing is written into it.
 */
class DamagedIndexTest {
    private static final String MODEL = "ViT-B-32@sha256:0123abcd";
    private static final int DIM = 16;

    @TempDir
    Path tmp;
    Path pristine;
    final Map<String, float[]> stored = new LinkedHashMap<>();

    /** Two sessions: two segments, and replaced items, so the first segment has a deletions file. */
    @BeforeEach
    void build() throws IOException {
        pristine = tmp.resolve("pristine");
        Random rnd = new Random(5);
        try (VectorIndex index = VectorIndex.open(pristine, MODEL, DIM)) {
            VectorIndexTest.addRandom(index, stored, rnd, 0, 200);
        }
        try (VectorIndex index = VectorIndex.open(pristine, MODEL, DIM)) {
            VectorIndexTest.addRandom(index, stored, rnd, 150, 100);
        }
    }

    /** The files of the index, write lock aside. */
    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(pristine)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(IndexWriter.WRITE_LOCK_NAME)).sorted().toList();
        }
    }

    Path copy(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        for (String f : files()) {
            Files.copy(pristine.resolve(f), dir.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return dir;
    }

    static void flip16(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int from = Math.max(0, b.length / 2 - 8);
        for (int i = from; i < Math.min(b.length, from + 16); i++) {
            b[i] ^= (byte) 0xA5;
        }
        Files.write(file, b);
    }

    static void truncate(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length - 7));
    }

    /** Lists the folder's files with their bytes, to show nothing was written. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                out.put(p.getFileName().toString(), Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    static void assertDamaged(Path dir, String file, Executable open) {
        DamagedIndexException e = assertThrows(DamagedIndexException.class, open);
        assertEquals(dir, e.folder());
        assertTrue(e.file().equals(file) || e.file().startsWith(file + " (part "), e.file() + " for damaged " + file);
        assertTrue(e.getMessage().startsWith("index at " + dir + " is damaged: " + e.file() + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("its results cannot be trusted. Rebuild it: delete " + dir
                + " and run jclip index again with the same --model and --images"), e.getMessage());
    }

    @Test
    void theIntactIndexPassesEveryCheck() throws IOException {
        assertTrue(files().stream().anyMatch(f -> f.endsWith(".liv")), files().toString());
        assertEquals(new IndexSummary(MODEL, DIM, 250, 2, files().stream().mapToLong(f -> pristine.resolve(f).toFile().length()).sum()),
                VectorIndex.verify(pristine));
        try (VectorIndex index = VectorIndex.openForSearch(pristine, MODEL)) {
            float[] q = stored.get("item-00007");
            assertEquals(new Hit("item-00007", 1f), index.searchExact(q, 1).getFirst());
        }
    }

    @Test
    void sixteenFlippedBytesInAnyFileAreRefusedEverywhere() throws IOException {
        for (String file : files()) {
            Path dir = copy("flip-" + file);
            flip16(dir.resolve(file));
            assertRefused(dir, file);
        }
    }

    @Test
    void aTruncatedFileIsRefusedEverywhere() throws IOException {
        for (String file : files()) {
            Path dir = copy("cut-" + file);
            truncate(dir.resolve(file));
            assertRefused(dir, file);
        }
    }

    @Test
    void aMissingFileIsRefusedEverywhere() throws IOException {
        for (String file : files()) {
            Path dir = copy("gone-" + file);
            Files.delete(dir.resolve(file));
            // Without its commit file, the segments are named by none, so the commit is the damaged file.
            assertRefused(dir, file.startsWith("segments_") ? "segments_N" : file);
        }
    }

    private static void assertRefused(Path dir, String file) throws IOException {
        Map<String, String> before = snapshot(dir);
        assertDamaged(dir, file, () -> VectorIndex.openForSearch(dir, MODEL).close());
        assertDamaged(dir, file, () -> VectorIndex.open(dir, MODEL, DIM).close());
        assertDamaged(dir, file, () -> VectorIndex.verify(dir));
        Map<String, String> after = snapshot(dir);
        after.remove(IndexWriter.WRITE_LOCK_NAME);
        assertEquals(before, after, "nothing is written into a damaged index");
    }
}
