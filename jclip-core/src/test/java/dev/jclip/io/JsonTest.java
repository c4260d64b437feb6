package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    private static String malformed(String json) {
        return assertThrows(IllegalArgumentException.class, () -> Json.parse(json)).getMessage();
    }

    @Test
    void parsesValues() {
        assertEquals(Arrays.asList(1L, -2.5, 1e300, 12345678901234567890.0, "a\u00e9\n\ud83d\ude00", true, false, null, List.of(),
                Map.of()), Json.parse(" [1, -2.5e0, 1E+300, 12345678901234567890, \"a\\u00E9\\n\\ud83d\\ude00\", true, false,"
                + " null, [], {}] "));
    }

    @Test
    void duplicateKeysAreRefusedWithTheirPlace() {
        assertEquals("malformed JSON at line 3, column 3: duplicate key \"dtype\"",
                malformed("{\"dtype\": \"F32\",\n \"shape\": [1],\n  \"dtype\": \"F16\"}"));
        assertEquals("malformed JSON at line 1, column 13: duplicate key \"a\"", malformed("{\"x\":{\"a\":1,\"a\":1}}"));
        // Escapes count: "\u0061" is "a".
        assertEquals("malformed JSON at line 1, column 8: duplicate key \"a\"", malformed("{\"a\":1,\"\\u0061\":2}"));
        // The same key in different objects is fine.
        assertEquals(Map.of("a", Map.of("a", 1L), "b", Map.of("a", 2L)), Json.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"));
        // A long key is cut short.
        String key = "\"" + "k".repeat(100) + "\\n\"";
        assertEquals("malformed JSON at line 1, column 109: duplicate key \"" + "k".repeat(80) + "...\"",
                malformed("{" + key + ":1," + key + ":2}"));
    }

    @Test
    void refusesWhatRfc8259Refuses() {
        for (String bad : List.of("01", "1.", ".5", "-", "+1", "1e", "1e+", "-a", "0x10", "NaN", "Infinity", "tru", "nul",
                "\"\\x\"", "\"\\u12g4\"", "\"\\u+123\"", "\"\\u12\"", "\"a\tb\"", "[1,]", "{\"a\":1,}", "{a:1}", "[1 2]",
                "{\"a\" 1}", "\"abc", "[", "", "1 2", "'a'")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertEquals("malformed JSON at line 1, column 2: trailing characters after the value", malformed("01"));
        assertEquals("malformed JSON at line 1, column 3: expected a digit after the decimal point", malformed("1."));
        assertEquals("malformed JSON at line 2, column 4: unescaped control character in a string", malformed("\n \"a\tb\""));
        assertEquals("malformed JSON at line 1, column 4: expected ',' or ']'", malformed("[1 2]"));
        assertEquals("malformed JSON at line 1, column 4: expected four hexadecimal digits after \\u", malformed("\"\\u+123\""));
        assertEquals("malformed JSON at line 1, column 6: unterminated string", malformed("\"abcd"));
    }

    @Test
    void errorsNeverQuoteTheInput() {
        // Whatever the input, an error says where and what was expected, never what was found.
        for (String secret : List.of("hunter2", "123-456-789", "1234.5678e", "\"\\q secret\"", "[true, secret]",
                "{\"a\": 1} secret", "{\"a\": 12345secret}")) {
            String message = malformed(secret);
            for (String word : List.of("hunter", "secret", "123", "456", "5678")) {
                assertFalse(message.contains(word), message);
            }
        }
        assertEquals("expected a JSON object, found an array", assertThrows(IllegalArgumentException.class,
                () -> Json.parseObject("[\"secret\"]")).getMessage());
    }

    @Test
    void readObjectNamesTheFile() throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.json"), "{\"é\": [1]}");
        assertEquals(Map.of("é", List.of(1L)), Json.readObject(ok));

        Path dup = Files.writeString(dir.resolve("config.json"), "{\n  \"a\": 1,\n  \"a\": 2\n}");
        assertEquals(dup + ": malformed JSON at line 3, column 3: duplicate key \"a\"",
                assertThrows(IllegalArgumentException.class, () -> Json.readObject(dup)).getMessage());

        Path latin1 = Files.write(dir.resolve("latin1.json"), "{\"caf\u00e9\": 1}".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(latin1 + ": not UTF-8 text (byte 5 is not valid UTF-8)",
                assertThrows(IllegalArgumentException.class, () -> Json.readObject(latin1)).getMessage());

        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        assertEquals(passwd + ": malformed JSON at line 1, column 1: expected a value (object, array, string, number, true, false"
                + " or null)", assertThrows(IllegalArgumentException.class, () -> Json.readObject(passwd)).getMessage());
    }
}
