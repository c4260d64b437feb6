package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the core JSON reader against Jackson as the reference: text Jackson accepts is read to
 * the same value, text it refuses is refused with an {@link IllegalArgumentException} naming a
 * line and column inside the text. Outside the comparison: input over either reader's documented
 * limits (this reader's nesting depth, Jackson's stream constraints), duplicate keys, whose
 * policy is the reader's own, and {@code \\u} escapes with a non-ASCII "digit", which Jackson
 * misreads. Every string also survives {@link JsonWriter#quote} and back.
 */
class JsonFuzzTest {
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern ERROR = Pattern.compile("malformed JSON at line (\\d+), column (\\d+): .+", Pattern.DOTALL);

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        assertEquals(text, Json.parse(JsonWriter.quote(text)));

        Object ours = null;
        IllegalArgumentException ourError = null;
        try {
            ours = Json.parse(text);
        } catch (IllegalArgumentException e) {
            ourError = e;
            Matcher m = ERROR.matcher(e.getMessage());
            assertTrue(m.matches(), e.getMessage());
            assertTrue(Long.parseLong(m.group(1)) <= text.lines().count() + 1 && Long.parseLong(m.group(2)) <= text.length() + 1,
                    e.getMessage());
        }
        JsonNode reference;
        try {
            reference = JACKSON.readTree(text);
        } catch (StreamConstraintsException e) {
            return;
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate Object property")
                    || e.getOriginalMessage().startsWith("Duplicate field")) {
                return;
            }
            if (ourError == null) {
                fail("Jackson refuses what Json reads as " + ours + ": " + e.getOriginalMessage());
            }
            return;
        }
        if (reference.isMissingNode()) {
            assertTrue(ourError != null, "Json reads input without a value as " + ours);
            return;
        }
        if (ourError != null) {
            if (ourError.getMessage().endsWith("nesting too deep") || jacksonMasksTheHexDigit(text, place(ourError))) {
                return;
            }
            throw new AssertionError("Json refuses what Jackson reads as " + reference, ourError);
        }
        assertSame(reference, ours, "$");
    }

    private static Matcher place(IllegalArgumentException error) {
        Matcher m = ERROR.matcher(error.getMessage());
        assertTrue(m.matches(), error.getMessage());
        return m;
    }

    /**
     * Whether our error is a {@code \\u} escape's non-ASCII "digit" that Jackson reads as a hex
     * digit: its {@code CharTypes.charToHex} keeps only the low 7 bits of a character, so U+0363
     * reads as 'c'. JSON allows only ASCII hex digits there, and refusing is right.
     */
    private static boolean jacksonMasksTheHexDigit(String text, Matcher error) {
        if (!error.group(0).endsWith("expected four hexadecimal digits after \\u")) {
            return false;
        }
        int line = Integer.parseInt(error.group(1));
        int lineStart = 0;
        for (int i = 1; i < line; i++) {
            lineStart = text.indexOf('\n', lineStart) + 1;
        }
        int at = lineStart + Integer.parseInt(error.group(2)) - 1;
        return at < text.length() && text.charAt(at) > 0x7F && Character.digit(text.charAt(at) & 0x7F, 16) >= 0;
    }

    private static void assertSame(JsonNode expected, Object actual, String path) {
        switch (actual) {
            case null -> assertTrue(expected.isNull(), path + ": null, expected " + expected);
            case Boolean b -> assertTrue(expected.isBoolean() && expected.booleanValue() == b, path + ": " + b + ", expected " + expected);
            case String s -> assertTrue(expected.isTextual() && expected.textValue().equals(s), path + ": " + s + ", expected " + expected);
            case Long l -> assertTrue(expected.isIntegralNumber() && expected.canConvertToLong() && expected.longValue() == l,
                    path + ": " + l + ", expected " + expected);
            case Double d -> assertTrue(expected.isNumber() && Double.compare(expected.doubleValue(), d) == 0,
                    path + ": " + d + ", expected " + expected);
            case List<?> list -> {
                assertTrue(expected.isArray() && expected.size() == list.size(), path + ": " + list + ", expected " + expected);
                for (int i = 0; i < list.size(); i++) {
                    assertSame(expected.get(i), list.get(i), path + "[" + i + "]");
                }
            }
            case Map<?, ?> map -> {
                assertTrue(expected.isObject() && expected.size() == map.size(), path + ": " + map + ", expected " + expected);
                Iterator<String> names = expected.fieldNames();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    assertEquals(names.next(), e.getKey(), path + ": key order");
                    assertSame(expected.get((String) e.getKey()), e.getValue(), path + "." + e.getKey());
                }
            }
            default -> fail(path + ": unexpected " + actual.getClass());
        }
    }
}
