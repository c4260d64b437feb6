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
