package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.Lazy;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vocabularies, BPE, batches and errors. Byte ids by hand from bytes_to_unicode's order: bytes
 * '!'..'~' are ids 0..93, 0xA1..0xAC 94..105, 0xAE..0xFF 106..187, then 0x00..0x20 188..220,
 * 0x7F..0xA0 221..254, 0xAD 255; the same byte ending a word is id + 256.
 */
class ClipTokenizerTest {
    private static final Path ORIGINAL = Shared.path("clip/bpe_simple_vocab_16e6.txt.gz");
    private static final Lazy<ClipTokenizer> CLIP = Lazy.of(() -> ClipTokenizer.original(ORIGINAL));
    private static final List<String> HELLO_MERGES = List.of("h e", "l l", "he ll", "hell o</w>");

    @TempDir
    Path dir;

    @Test
    void zeroMergesIsPureByteLevel() {
        ClipTokenizer t = ClipTokenizer.fromMerges(List.of());
        assertEquals(514, t.vocabSize());
        assertEquals(512, t.startId());
        assertEquals(513, t.endId());
        assertArrayEquals(new int[] {64, 321}, t.encode("ab"));
        assertArrayEquals(new int[] {320, 321}, t.encode("A b"));
        // é = C3 A9; … = E2 80 A6.
        assertArrayEquals(new int[] {127, 358}, t.encode("\u00e9"));
        assertArrayEquals(new int[] {158, 222, 355}, t.encode("\u2026"));
        assertEquals("hello , world ! ", t.decode(t.encode("Hello, World!")));
        assertEquals("\u00e9 \u2026 ", t.decode(t.encode("\u00e9 \u2026")));
        assertArrayEquals(new int[] {512, 64, 321, 513}, t.tokenize(List.of("ab"), 4, false).ids()[0]);
    }

    @Test
    @RequiresShared
    void sameAsTheOriginalFileCutToZeroMerges() {
        ClipTokenizer t = ClipTokenizer.original(ORIGINAL, 0);
        assertEquals(514, t.vocabSize());
        assertArrayEquals(new int[] {64, 321}, t.encode("ab"));
    }

    @Test
    void decodesIllFormedUtf8AsPython() {
        ClipTokenizer t = ClipTokenizer.fromMerges(List.of());
        // ED A0 80 (an encoded surrogate): three maximal ill-formed subparts, three U+FFFD.
        assertEquals("\uFFFD\uFFFD\uFFFD", t.decode(new int[] {169, 254, 222}));
        // E2 80 cut short: one U+FFFD; then "a</w>".
        assertEquals("\uFFFDa ", t.decode(new int[] {158, 222, 320}));
    }

    @Test
    void mergesApplyInRankOrder() {
        ClipTokenizer t = ClipTokenizer.fromMerges(HELLO_MERGES);
        assertEquals(518, t.vocabSize());
        assertEquals(516, t.startId());
        assertEquals(517, t.endId());
        // h e l l o</w> -> he l l o</w> -> he ll o</w> -> hell o</w> -> hello</w> (id 512 + 3).
        assertArrayEquals(new int[] {515}, t.encode("hello"));
        // h e l l</w>: "l l" does not match (l, l</w>), so it stops at he l l</w>.
        assertArrayEquals(new int[] {512, 75, 331}, t.encode("hell"));
        assertEquals("hello hell ", t.decode(new int[] {515, 512, 75, 331}));
        // The lower rank wins even when it is to the right: a b c x</w> -> a bc x</w>.
        assertArrayEquals(new int[] {64, 512, 343}, ClipTokenizer.fromMerges(List.of("b c", "a b")).encode("abcx"));
        // Every occurrence, left to right, without overlap: a a a a a</w> -> aa aa a</w>.
        assertArrayEquals(new int[] {512, 512, 320}, ClipTokenizer.fromMerges(List.of("a a")).encode("aaaaa"));
        assertArrayEquals(new int[] {64, 512}, ClipTokenizer.fromMerges(List.of("a a</w>")).encode("aaa"));
    }

    @Test
    @RequiresShared
    void smallerVocabularyFromTheOriginalFile() {
        // A model with vocab_size 1000 uses the first 1000 - 514 merges; start and end are the last two ids.
        ClipTokenizer t = ClipTokenizer.original(ORIGINAL, 486);
        assertEquals(1000, t.vocabSize());
        assertEquals(998, t.startId());
        assertEquals(999, t.endId());
        // From simple_tokenizer.py with merges[1:487].
        assertArrayEquals(new int[] {320, 816, 531, 539, 320, 66, 536, 269}, t.encode("a photo of a cat."));
    }

    @Test
    @RequiresShared
    void originalVocabularyHasClipsIds() {
        for (ClipTokenizer t : List.of(CLIP.get(), ClipTokenizer.load(ORIGINAL))) {
            assertEquals(49408, t.vocabSize());
            assertEquals(48894, t.mergeCount());
            assertEquals(49406, t.startId());
            assertEquals(49407, t.endId());
        }
    }

    @Test
    @RequiresShared
    void truncatesWithTheEndTokenLast() {
        ClipTokenizer t = CLIP.get();
        List<String> texts = List.of("a photo of a cat.", "");
        // 6 ids + start + end fit 8 exactly.
        TokenBatch fits = t.tokenize(texts, 8, false);
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 269, 49407}, fits.ids()[0]);
        assertArrayEquals(new int[] {49406, 49407, 0, 0, 0, 0, 0, 0}, fits.ids()[1]);
        assertFalse(fits.truncated()[0]);
        TokenBatch cut = t.tokenize(texts, 7, true);
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407}, cut.ids()[0]);
        assertTrue(cut.truncated()[0]);
        assertFalse(cut.truncated()[1]);
    }

    @Test
    @RequiresShared
    void tooLongWithoutTruncateNamesTheText() {
        ClipTokenizer t = CLIP.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.tokenize(List.of("", "a photo of a cat."), 7, false));
        assertTrue(e.getMessage().contains("text 1 (\"a photo of a cat.\") is 8 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("context length 7"), e.getMessage());
        String longText = "a photo of a very ".repeat(20);
        e = assertThrows(IllegalArgumentException.class, () -> t.tokenize(List.of(longText), 77, false));
        // Abbreviated to 39 characters and an ellipsis; 20 * 5 words + start + end = 102 tokens.
        assertTrue(e.getMessage().contains("(\"" + longText.substring(0, 39) + "…\") is 102 tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.tokenize(List.of("a"), 1, true));
    }

    @Test
    void unknownIdIsAnError() {
        ClipTokenizer t = ClipTokenizer.fromMerges(List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {514}));
        assertTrue(e.getMessage().contains("token id 514"), e.getMessage());
    }

    /** A Hugging Face vocab.json for HELLO_MERGES with ids in a different order than the original layout. */
    private Path writeHuggingFace(List<String> mergeLines, boolean withEnd) throws IOException {
        StringBuilder json = new StringBuilder("{\"<|startoftext|>\": 0");
        int id = 1;
        if (withEnd) {
            json.append(", \"<|endoftext|>\": ").append(id++);
        }
        for (String m : List.of("he", "ll", "hell", "hello</w>")) {
            json.append(", \"").append(m).append("\": ").append(id++);
        }
        for (String s : HfVocab.byteSymbols()) {
            json.append(", \"").append(s.equals("\"") || s.equals("\\") ? "\\" + s : s).append("\": ").append(id++);
            json.append(", \"").append(s.equals("\"") || s.equals("\\") ? "\\" + s : s).append("</w>\": ").append(id++);
        }
        Files.writeString(dir.resolve("vocab.json"), json.append("}"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", mergeLines) + "\n", StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void loadsHuggingFaceFiles() throws IOException {
        writeHuggingFace(HELLO_MERGES, true);
        for (Path p : List.of(dir, dir.resolve("vocab.json"), dir.resolve("merges.txt"))) {
            ClipTokenizer t = ClipTokenizer.load(p);
            assertEquals(518, t.vocabSize());
            assertEquals(0, t.startId());
            assertEquals(1, t.endId());
            assertEquals(4, t.mergeCount());
            // hello</w> is id 5 in this vocab.json; 'h' is byte symbol 71 -> id 6 + 2 * 71; 'l</w>' 6 + 2 * 75 + 1.
            assertArrayEquals(new int[] {5}, t.encode("Hello"));
            assertArrayEquals(new int[] {2, 6 + 2 * 75, 6 + 2 * 75 + 1}, t.encode("hell"));
            assertArrayEquals(new int[] {0, 5, 1, 0}, t.tokenize(List.of("hello"), 4, false).ids()[0]);
            assertEquals("hello hell ", t.decode(t.encode("hello hell")));
        }
    }

    @Test
    void huggingFaceErrorsNameTheProblem() throws IOException {
        writeHuggingFace(HELLO_MERGES, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains("<|endoftext|>"), e.getMessage());
        writeHuggingFace(List.of("h e", "e l"), true);
        e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().contains("merge 2 'e l' makes 'el'"), e.getMessage());
    }

    private Path writeGz(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void originalFormatFromAFile() throws IOException {
        Path gz = writeGz(ClipTokenizer.ORIGINAL_FILE, "\"bpe_simple_vocab_16e6.txt#version: 0.2\n" + String.join("\n", HELLO_MERGES) + "\n");
        for (Path p : List.of(gz, dir)) {
            ClipTokenizer t = ClipTokenizer.load(p);
            assertEquals(518, t.vocabSize());
            assertArrayEquals(new int[] {515}, t.encode("hello"));
        }
        assertEquals(516, ClipTokenizer.original(gz, 2).vocabSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.original(gz, 5));
        assertTrue(e.getMessage().contains("has 4 merges, fewer than the 5"), e.getMessage());
        Path bad = writeGz("bad.txt.gz", "header\nh e\nhello\n");
        e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(bad));
        assertTrue(e.getMessage().contains("bad.txt.gz line 3"), e.getMessage());
    }

    @Test
    void missingVocabularyIsAClearError() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(empty));
        assertTrue(e.getMessage().contains(ClipTokenizer.ORIGINAL_FILE) && e.getMessage().contains("vocab.json"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(dir.resolve("nope.gz")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
