package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jclip tokenize} run in-process on temporary files, with a four-merge vocabulary in the
 * original format: h e, l l, he ll, hell o</w>. So "hello" is one token, id 512 + 3 = 515, and
 * start and end are 516 and 517.
 */
class TokenizeCommandTest {
    @TempDir
    Path dir;
    private Path vocab;
    private Path input;
    private Path output;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeFiles() throws IOException {
        Path models = Files.createDirectory(dir.resolve("model"));
        vocab = models.resolve("bpe_simple_vocab_16e6.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(vocab))) {
            out.write("header\nh e\nl l\nhe ll\nhell o</w>\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(models.resolve("model.safetensors"), "not read");
        input = dir.resolve("in.jsonl");
        output = dir.resolve("out.jsonl");
        Files.writeString(input, "\"Hello\"\n\"hello hello hello\"\n\"\"\n", StandardCharsets.UTF_8);
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesPaddedIdsPerLine() throws IOException {
        assertEquals(0, run("tokenize", "--vocab", vocab.toString(), "--context", "4", "--truncate",
                "--input", input.toString(), "--output", output.toString()), err.toString());
        assertEquals(List.of(
                "{\"ids\":[516,515,517,0],\"truncated\":false}",
                "{\"ids\":[516,515,515,517],\"truncated\":true}",
                "{\"ids\":[516,517,0,0],\"truncated\":false}"), Files.readAllLines(output));
    }

    /** A WordPiece tokenizer.json truncating to 4 ids (2 of them [CLS] and [SEP]) and padding to 5 with [PAD]. */
    private Path tokenizerJson() throws IOException {
        return Files.writeString(dir.resolve("tokenizer.json"), """
                {"truncation": {"direction": "Right", "max_length": 4, "strategy": "LongestFirst", "stride": 0},
                 "padding": {"strategy": {"Fixed": 5}, "direction": "Right", "pad_to_multiple_of": null, "pad_id": 0,
                             "pad_type_id": 0, "pad_token": "[PAD]"},
                 "pre_tokenizer": {"type": "WhitespaceSplit"},
                 "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100,
                           "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4}}}
                """);
    }

    @Test
    void tokenizerJsonAppliesItsOwnTruncationAndPadding() throws IOException {
        assertEquals(0, run("tokenize", "--tokenizer", tokenizerJson().toString(), "--input", input.toString(),
                "--output", output.toString()), err.toString());
        assertEquals(List.of(
                "{\"ids\":[2,1,3,0,0],\"truncated\":false}",
                "{\"ids\":[2,4,4,3,0],\"truncated\":true}",
                "{\"ids\":[2,3,0,0,0],\"truncated\":false}"), Files.readAllLines(output));
    }

    @Test
    void tokenizerJsonRefusesContext() throws IOException {
        assertEquals(1, run("tokenize", "--tokenizer", tokenizerJson().toString(), "--context", "8",
                "--input", input.toString(), "--output", output.toString()));
        assertEquals("jclip tokenize: --context does not apply with --tokenizer (the file configures truncation and padding)",
                err.toString().strip());
    }

    @Test
    void tokenizerJsonWithAnUnsupportedPartNamesIt() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {}}}");
        assertEquals(1, run("tokenize", "--tokenizer", file.toString(), "--input", input.toString(), "--output", output.toString()));
        assertEquals("jclip tokenize: " + file + ": model: unsupported model type 'WordLevel'", err.toString().strip());
    }

    @Test
    void findsTheVocabularyBesideTheModel() throws IOException {
        Path model = vocab.resolveSibling("model.safetensors");
        assertEquals(0, run("tokenize", "--model", model.toString(), "--input", input.toString(), "--output", output.toString()),
                err.toString());
        List<String> lines = Files.readAllLines(output);
        assertEquals(3, lines.size());
        // The default context is 77.
        int[] expected = new int[77];
        System.arraycopy(new int[] {516, 515, 515, 515, 517}, 0, expected, 0, 5);
        JsonNode row = new ObjectMapper().readTree(lines.get(1));
        assertArrayEquals(expected, new ObjectMapper().treeToValue(row.get("ids"), int[].class));
        assertFalse(row.get("truncated").asBoolean());
    }

    @Test
    void tooLongWithoutTruncateFailsNamingTheLine() {
        assertEquals(1, run("tokenize", "--vocab", vocab.toString(), "--context", "4",
                "--input", input.toString(), "--output", output.toString()));
        assertTrue(err.toString().contains("in.jsonl line 2: text 0 (\"hello hello hello\") is 5 tokens"), err.toString());
        assertFalse(Files.exists(output));
    }

    @Test
    void withoutVocabularySaysWhatIsNeeded() {
        assertEquals(1, run("tokenize", "--input", input.toString(), "--output", output.toString()));
        assertTrue(err.toString().contains("--vocab PATH (bpe_simple_vocab_16e6.txt.gz"), err.toString());
        assertEquals(1, run("tokenize", "--model", input.toString(), "--input", input.toString(), "--output", output.toString()));
        assertTrue(err.toString().contains("no vocabulary beside the model"), err.toString());
    }

    @Test
    void rejectsLinesThatAreNotJsonStrings() throws IOException {
        Files.writeString(input, "\"ok\"\n{\"text\": 1}\n", StandardCharsets.UTF_8);
        assertEquals(1, run("tokenize", "--vocab", vocab.toString(), "--input", input.toString(), "--output", output.toString()));
        assertTrue(err.toString().contains("in.jsonl line 2: expected a JSON string, got OBJECT"), err.toString());
    }

    @Test
    void malformedLinesAreNamedNotQuoted() throws IOException {
        Files.writeString(input, "\"ok\"\nroot:x:0:0:hunter2\n", StandardCharsets.UTF_8);
        assertEquals(1, run("tokenize", "--vocab", vocab.toString(), "--input", input.toString(), "--output", output.toString()));
        assertTrue(err.toString().contains("in.jsonl line 2: malformed JSON at column 1"), err.toString());
        assertFalse(err.toString().contains("root") || err.toString().contains("hunter2"), err.toString());
    }

    @Test
    void invalidUtf8NamesTheFileLineAndByte() throws IOException {
        byte[] latin1 = "\"ok\"\r\n\"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(input, latin1);
        assertEquals(1, run("tokenize", "--vocab", vocab.toString(), "--input", input.toString(), "--output", output.toString()));
        assertEquals("jclip tokenize: " + input + " line 2 (byte 10): invalid UTF-8; text files must be UTF-8\n", err.toString());
        assertFalse(Files.exists(output));
    }
}
