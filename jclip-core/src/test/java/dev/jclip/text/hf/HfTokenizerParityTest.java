package dev.jclip.text.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of parity/hf-tokenizers/ (made by parity/make_hf_tokenizer_cases.py with tokenizers
 * 0.23.2): each folder's tokenizer.json encodes each text of its cases.jsonl to exactly the ids
 * {@code Tokenizer.encode(text).ids} gave.
 */
class HfTokenizerParityTest {
    /** The tokenizer folders the generator writes; a missing one fails rather than shrinking the test. */
    private static final List<String> TOKENIZERS = List.of("bert-uncased", "bert-cased-padded", "siglip-unigram",
            "unigram-byte-fallback", "unigram-first", "unigram-precompiled", "unigram-hand-made",
            "bpe-byte-fallback", "bpe-fuse-unk", "bpe-clip-style", "bpe-ignore-merges", "bpe-byte-level", "bpe-suffix",
            "wordpiece-splits");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path dir(String name) {
        try {
            return Path.of(HfTokenizerParityTest.class.getResource("/parity/hf-tokenizers/" + name + "/tokenizer.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String name : TOKENIZERS) {
            HfTokenizer tokenizer = HfTokenizer.load(dir(name).resolve("tokenizer.json"));
            List<String> lines = Files.readAllLines(dir(name).resolve("cases.jsonl"), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode c = JSON.readTree(lines.get(i));
                int[] ids = new int[c.get("ids").size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = c.get("ids").get(k).asInt();
                }
                cases.add(Arguments.of(Named.of(name + " #" + (i + 1), tokenizer), c.get("text").asText(), ids));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void idsMatchTokenizers(HfTokenizer tokenizer, String text, int[] ids) {
        assertArrayEquals(ids, tokenizer.encode(text), () -> "text " + JSON.valueToTree(text));
    }

    static Stream<Arguments> overrides() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String name : List.of("siglip-unigram", "bert-uncased")) {
            HfTokenizer file = HfTokenizer.load(dir(name).resolve("tokenizer.json"));
            List<String> lines = Files.readAllLines(dir(name).resolve("overrides.jsonl"), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode c = JSON.readTree(lines.get(i));
                HfTokenizer tokenizer = file.withMaxLength(c.get("max_length").asInt())
                        .withPadding(c.get("pad_length").asInt(), c.get("pad_id").asInt());
                int[] ids = new int[c.get("ids").size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = c.get("ids").get(k).asInt();
                }
                cases.add(Arguments.of(Named.of(name + " override #" + (i + 1), tokenizer), c.get("text").asText(), ids));
            }
        }
        return cases.stream();
    }

    /** Truncation and padding set through the API, against enable_truncation / enable_padding. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overrides")
    void overridesMatchTokenizers(HfTokenizer tokenizer, String text, int[] ids) {
        assertArrayEquals(ids, tokenizer.encode(text), () -> "text " + JSON.valueToTree(text));
    }

    @Test
    void everyTokenizerHasItsCases() throws IOException {
        for (String name : TOKENIZERS) {
            assertEquals(true, Files.readAllLines(dir(name).resolve("cases.jsonl")).size() >= 70, name);
        }
    }
}
