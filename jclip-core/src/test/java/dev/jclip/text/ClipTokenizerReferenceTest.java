package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of ../shared/fixtures/tokenizer.json, made by OpenAI's simple_tokenizer.py. */
class ClipTokenizerReferenceTest {
    private static final ClipTokenizer CACHED = ClipTokenizer.original(Shared.path("clip/bpe_simple_vocab_16e6.txt.gz"));
    private static final ClipTokenizer UNCACHED = CACHED.withCache(0);

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
        for (ClipTokenizer t : List.of(CACHED, UNCACHED)) {
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
        ClipTokenizer shared = CACHED.withCache(ClipTokenizer.DEFAULT_CACHE_WORDS);
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
