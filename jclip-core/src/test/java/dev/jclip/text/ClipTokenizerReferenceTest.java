package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of ../shared/fixtures/tokenizer.json, made by OpenAI's simple_tokenizer.py. */
@RequiresShared
class ClipTokenizerReferenceTest {
    private static ClipTokenizer cached, uncached, huggingFace;

    /**
     * The original vocabulary, with and without its cache, and the same vocabulary in the Hugging
     * Face layout, as its CLIP repositories ship it: vocab.json (the original's token-to-id table)
     * and merges.txt (a "#version" line, then the merges; all of the file's 262k merges are written
     * here, of which the loader must use the first 48,894).
     */
    @BeforeAll
    static void loadTheVocabularies(@TempDir Path dir) throws IOException {
        cached = ClipTokenizer.original(Shared.path("clip/bpe_simple_vocab_16e6.txt.gz"));
        uncached = cached.withCache(0);
        List<String> lines;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Shared.path("clip/bpe_simple_vocab_16e6.txt.gz")))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> symbols = HfVocab.byteSymbols();
        symbols.forEach(s -> vocab.put(s, vocab.size()));
        symbols.forEach(s -> vocab.put(s + "</w>", vocab.size()));
        lines.subList(0, 48894).forEach(m -> vocab.put(m.replace(" ", ""), vocab.size()));
        vocab.put("<|startoftext|>", vocab.size());
        vocab.put("<|endoftext|>", vocab.size());
        assertEquals(49408, vocab.size());
        new ObjectMapper().writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        huggingFace = ClipTokenizer.load(dir);
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Shared.path("fixtures/tokenizer.json").toFile());
        assertEquals(49406, root.get("sot").asInt());
        assertEquals(49407, root.get("eot").asInt());
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String text = c.get("text").asText();
            String shown = text.replace("\t", "\\t").replace("\n", "\\n");
            String name = cases.size() + ": \"" + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown) + "\"";
            cases.add(Arguments.of(Named.of(name, text), ints(c.get("bpe_ids")), ints(c.get("context77")),
                    c.get("truncated").asBoolean(), c.get("decoded").asText()));
        }
        assertEquals(70, cases.size());
        return cases.stream();
    }

    private static int[] ints(JsonNode array) {
        return IntStream.range(0, array.size()).map(i -> array.get(i).asInt()).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheOriginal(String text, int[] bpeIds, int[] context77, boolean truncated, String decoded) {
        for (ClipTokenizer t : List.of(cached, uncached, huggingFace)) {
            assertArrayEquals(bpeIds, t.encode(text));
            // Twice: the second call reads the cache.
            assertArrayEquals(bpeIds, t.encode(text));
            TokenBatch batch = t.tokenize(List.of(text), 77, true);
            assertArrayEquals(context77, batch.ids()[0]);
            assertEquals(truncated, batch.truncated()[0]);
            assertEquals(decoded, t.decode(bpeIds));
        }
    }

    @Test
    void threadsCanShareOneTokenizer() throws Exception {
        ClipTokenizer shared = cached.withCache(ClipTokenizer.DEFAULT_CACHE_WORDS);
        List<Object[]> all = cases().map(Arguments::get).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                int offset = 17 * k;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 10 * all.size(); i++) {
                        Object[] c = all.get((i + offset) % all.size());
                        assertArrayEquals((int[]) c[1], shared.encode((String) ((Named<?>) c[0]).getPayload()));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
