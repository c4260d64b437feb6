package dev.jclip.text.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals of tokenizer.json files: each names the file, the place in it and what is wrong. */
class HfTokenizerTest {
    private static final String WORDPIECE = """
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}""";

    private static IllegalArgumentException refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> HfTokenizer.parse(json, "t.json"));
    }

    @Test
    void unsupportedComponentsAreRefusedByTypeAndPlace() {
        assertEquals("t.json: normalizer.normalizers[1]: unsupported normalizer type 'ByteLevel'", refused(
                "{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, {\"type\": \"ByteLevel\"}]},"
                        + WORDPIECE + "}").getMessage());
        assertEquals("t.json: pre_tokenizer: unsupported pre-tokenizer type 'UnicodeScripts'",
                refused("{\"pre_tokenizer\": {\"type\": \"UnicodeScripts\"}," + WORDPIECE + "}").getMessage());
        assertEquals("t.json: post_processor: unsupported post-processor type 'Fancy'",
                refused("{\"post_processor\": {\"type\": \"Fancy\"}," + WORDPIECE + "}").getMessage());
        assertEquals("t.json: model: unsupported model type 'WordLevel'",
                refused("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {}}}").getMessage());
    }

    @Test
    void malformedPartsAreRefusedByPlace() {
        assertEquals("t.json: model: missing", refused("{}").getMessage());
        assertEquals("t.json: model.unk_token: '[UNK]' is not in the vocabulary", refused(
                "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": {\"a\": 0}}}").getMessage());
        assertEquals("t.json: model.merges[0]: 'a' + 'c' names a token not in the vocabulary", refused(
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a c\"]}}")
                .getMessage());
        assertEquals("t.json: pre_tokenizer.behavior: unknown split behaviour 'Sideways'", refused(
                "{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"String\": \" \"}, \"behavior\": \"Sideways\"},"
                        + WORDPIECE + "}").getMessage());
        assertEquals("t.json: normalizer.pattern: bad regex: Unclosed character class", refused(
                "{\"normalizer\": {\"type\": \"Replace\", \"pattern\": {\"Regex\": \"[a\"}, \"content\": \"\"},"
                        + WORDPIECE + "}").getMessage());
        assertEquals("t.json: normalizer.precompiled_charsmap: charsmap array size 4096 does not fit its 8 bytes",
                refused("{\"normalizer\": {\"type\": \"Precompiled\", \"precompiled_charsmap\": \"ABAAAAAAAAA=\"},"
                        + WORDPIECE + "}").getMessage());
        assertEquals("t.json: padding.strategy: expected \"BatchLongest\" or {\"Fixed\": n}", refused(
                "{\"padding\": {\"strategy\": \"Sometimes\", \"pad_id\": 0}," + WORDPIECE + "}").getMessage());
        assertEquals("t.json: expected a JSON object, found an array", refused("[]").getMessage());
        assertEquals("t.json: malformed JSON at line 1, column 3: unterminated string", refused("{\"").getMessage());
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"Mystery\"}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(file));
        assertEquals(file + ": model: unsupported model type 'Mystery'", e.getMessage());
    }

    @Test
    void wordPieceFallsBackToUnknownForTheWholeWord() {
        HfTokenizer t = HfTokenizer.parse("{\"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}," + WORDPIECE + "}", "t.json");
        assertArrayEquals(new int[] {1, 2, 1, 0, 0}, t.encode("ab a ac ba"));
    }

    @Test
    void overridesRejectLengthsThatCannotHoldTheSpecialTokens() {
        HfTokenizer t = HfTokenizer.parse("{\"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"a\", 1],"
                + " \"cls\": [\"a\", 1]}," + WORDPIECE + "}", "t.json");
        assertEquals("max length 2 leaves no room beside the 2 special tokens",
                assertThrows(IllegalArgumentException.class, () -> t.withMaxLength(2)).getMessage());
        assertEquals("padding length must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> t.withPadding(0, 0)).getMessage());
    }
}
