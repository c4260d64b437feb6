package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Every control character, the line and paragraph separators, quotes, backslashes, a surrogate pair. */
    private static final String HOSTILE;
    /** With unpaired surrogates too (which Jackson accepts in values, not in names). */
    private static final String LONE = "\ud800 x\udc00 \udc00\ud800 end\ud83d";

    static {
        StringBuilder s = new StringBuilder("q\"b\\s/");
        for (char c = 0; c < 0x20; c++) {
            s.append(c);
        }
        HOSTILE = s.append("\u007f\u0085\u2028\u2029 é 😀").toString();
    }

    @Test
    void stringsComeBackEqualThroughJacksonAndTheCoreReader() throws Exception {
        String lone = HOSTILE + LONE;
        String json = new JsonWriter().beginObject().name(HOSTILE).value(lone).name(lone).beginArray().value(lone).value("")
                .endArray().endObject().toString();

        // One line, no raw control character, no surrogate but the emoji's pair.
        assertTrue(json.replace("😀", "").chars().allMatch(c -> c >= 0x20 && !Character.isSurrogate((char) c)), json);
        assertEquals(Map.of(HOSTILE, lone, lone, List.of(lone, "")), Json.parseObject(json));
        JsonNode back = JACKSON.readTree(new JsonWriter().beginObject().name(HOSTILE).value(lone).name("list").beginArray()
                .value(lone).endArray().endObject().toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(lone, back.get(HOSTILE).textValue());
        assertEquals(lone, back.get("list").get(0).textValue());
    }

    @Test
    void escapesAsSerdeJsonDoes() {
        // The safetensors reference (Rust's serde_json): short escapes where JSON has them, else
        // lowercase \\u00XX; everything else as is, so headers match byte for byte.
        assertEquals("\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é😀\"",
                JsonWriter.quote("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é😀"));
        // Unpaired surrogates are escaped (UTF-8 cannot hold them), pairs kept whole.
        assertEquals("\"\\ud800a\\udc00\\udc00\\ud800😀\\ud83d\"", JsonWriter.quote("\ud800a\udc00\udc00\ud800😀\ud83d"));
    }

    @Test
    void nestingAndSeparators() {
        String json = new JsonWriter().beginObject()
                .name("a").beginArray().beginArray().endArray().beginObject().endObject().value(1).nullValue().endArray()
                .name("b").value(true).name("c").value(-0.5).name("d").value(1e-5f).name("e").value(Long.MIN_VALUE)
                .name("f").value((String) null)
                .endObject().toString();
        assertEquals("{\"a\":[[],{},1,null],\"b\":true,\"c\":-0.5,\"d\":1.0E-5,\"e\":-9223372036854775808,\"f\":null}", json);
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new JsonWriter().beginObject().name("eps").value(x));
            assertEquals("JSON has no " + x + " (for \"eps\"): only finite numbers can be written", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new JsonWriter().beginArray().value((float) x));
        }
    }
}
