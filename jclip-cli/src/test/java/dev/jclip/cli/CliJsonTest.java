package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's JSON: lines that read back equal whatever they hold, no NaN, no duplicate keys, errors that quote nothing. */
class CliJsonTest {
    @TempDir
    Path dir;

    @Test
    void linesReadBackEqual() throws IOException {
        StringBuilder s = new StringBuilder("q\"b\\s/ \u007f\u0085\u2028\u2029 é 😀 ");
        for (char c = 0; c < 0x20; c++) {
            s.append(c);
        }
        String hostile = s.toString();
        String lone = hostile + " \ud800 x\udc00 end\ud83d";
        ObjectNode node = CliJson.MAPPER.createObjectNode().put(hostile, lone).put("score", 0.25f);
        node.putArray("list").add(lone).add(1.5);

        String line = CliJson.line(node);
        // One line, no raw control character, no surrogate but the emoji's pair (unpaired ones are escaped).
        assertTrue(line.replace("😀", "").chars().allMatch(c -> c >= 0x20 && !Character.isSurrogate((char) c)), line);
        assertTrue(line.contains("\\uD800") && line.contains("😀"), line);
        JsonNode back = new ObjectMapper().readTree(line);
        assertEquals(lone, back.get(hostile).textValue());
        assertEquals(0.25, back.get("score").doubleValue());
        assertEquals(lone, back.get("list").get(0).textValue());
        assertEquals(1.5, back.get("list").get(1).doubleValue());
        assertEquals(3, back.size());
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            JsonGenerationException e = assertThrows(JsonGenerationException.class,
                    () -> CliJson.line(CliJson.MAPPER.createObjectNode().put("score", x)));
            assertEquals("JSON has no " + x + " (for \"score\"): only finite numbers can be written", e.getOriginalMessage());
            assertThrows(JsonGenerationException.class, () -> CliJson.line(CliJson.MAPPER.createArrayNode().add((float) x)));
        }
    }

    @Test
    void readRefusesDuplicateKeysAndQuotesNothing() throws IOException {
        Path dup = Files.writeString(dir.resolve("jclip-index.json"), "{\"model\": \"a\",\n \"model\": \"b\"}");
        assertEquals(dup + ": malformed JSON at line 2, column 9: duplicate key \"model\"",
                assertThrows(IllegalArgumentException.class, () -> CliJson.read(dup)).getMessage());

        Path secret = Files.writeString(dir.resolve("secret.json"), "{\"model\": hunter2}");
        assertEquals(secret + ": malformed JSON at line 1, column 11",
                assertThrows(IllegalArgumentException.class, () -> CliJson.read(secret)).getMessage());

        Path cut = Files.writeString(dir.resolve("cut.json"), "{\"model\": \"hunter2");
        String message = assertThrows(IllegalArgumentException.class, () -> CliJson.read(cut)).getMessage();
        assertTrue(message.startsWith(cut + ": malformed JSON at line 1, column ") && message.endsWith(": unexpected end of input"),
                message);
        assertFalse(message.contains("hunter"), message);
    }
}
