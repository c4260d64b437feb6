package dev.jclip.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merges worked out by hand; ids as in jclip-core's {@code ClipTokenizerTest} (merges from 512, then start and end). */
class BpeTrainerTest {
    @TempDir
    Path dir;

    @Test
    void mergesTheMostFrequentPairFirst() {
        // Words: "aa" twice, "ab" once. Pairs: (a, a</w>) 2, (a, b</w>) 1.
        assertEquals(List.of("a a</w>", "a b</w>"), BpeTrainer.learn(List.of("aa ab", "AA"), 10, 1));
        assertEquals(List.of("a a</w>"), BpeTrainer.learn(List.of("aa ab", "AA"), 10, 2));
        assertEquals(List.of("a a</w>"), BpeTrainer.learn(List.of("aa ab", "AA"), 1, 1));
        assertEquals(List.of(), BpeTrainer.learn(List.of("aa ab", "AA"), 0, 1));
    }

    @Test
    void mergesBuildWholeWordsAndTiesGoToTheSmallerPair() {
        // "red" 3 times, "bed" once: (e, d</w>) 4 first; then (r, ed</w>) 3; then (b, ed</w>) 1.
        List<String> merges = BpeTrainer.learn(List.of("red red bed", "red"), 10, 1);
        assertEquals(List.of("e d</w>", "r ed</w>", "b ed</w>"), merges);
        // Equal counts: (a, b</w>) and (b, a</w>) once each; "a b</w>" sorts first.
        assertEquals(List.of("a b</w>", "b a</w>"), BpeTrainer.learn(List.of("ab ba"), 10, 1));

        ClipTokenizer t = ClipTokenizer.fromMerges(merges);
        assertEquals(512 + 3 + 2, t.vocabSize());
        assertArrayEquals(new int[] {513, 514, 513}, t.encode("red bed red"));
        // An unseen word falls back to bytes: 'd' = 'd' - '!' = 67, "ed</w>" = merge 0 = 512.
        assertArrayEquals(new int[] {67, 512}, t.encode("ded"));
    }

    @Test
    void huggingFaceFilesReadBackToTheSameTokenizer() throws IOException {
        List<String> merges = BpeTrainer.learn(List.of("a \"quoted\" \"word\" back\\slash back\\slash", "red red bed"), 100, 1);
        ClipTokenizer t = ClipTokenizer.fromMerges(merges);
        t.saveHuggingFace(dir);
        List<String> lines = Files.readAllLines(dir.resolve("merges.txt"));
        assertEquals("#version: 0.2", lines.get(0));
        assertEquals(merges, lines.subList(1, lines.size()));

        ClipTokenizer back = ClipTokenizer.load(dir);
        assertEquals(t.vocabSize(), back.vocabSize());
        assertEquals(t.mergeCount(), back.mergeCount());
        for (String text : List.of("a \"quoted\" word", "back\\slash red bed", "unseen text")) {
            assertArrayEquals(t.tokenize(List.of(text), 16, true).ids()[0], back.tokenize(List.of(text), 16, true).ids()[0], text);
            assertEquals(t.decode(t.encode(text)), back.decode(back.encode(text)));
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.learn(List.of("a"), -1, 1));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.learn(List.of("a"), 1, 0));
    }
}
