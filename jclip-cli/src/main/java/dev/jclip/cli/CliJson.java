package dev.jclip.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The CLI's one Jackson mapper (thread-safe once configured), for JSON files and JSON output lines.
 * Reading, a key given twice is an error; writing, a non-finite number is refused (Jackson would
 * write it as a string), and {@link #line} escapes what one line of UTF-8 JSON cannot hold.
 */
final class CliJson {
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder().addDecorator((f, g) -> new FiniteOnly(g)).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private CliJson() {
    }

    /** {@code node} as one line of JSON, without the line break: control characters and unpaired surrogates escaped. */
    static String line(JsonNode node) throws IOException {
        // Jackson's UTF-8 writer escapes unpaired surrogates, which its String writer would pass on to become '?'.
        return new String(MAPPER.writeValueAsBytes(node), StandardCharsets.UTF_8);
    }

    /** The JSON value in {@code file}; malformed JSON is an error naming the file and the place. */
    static JsonNode read(Path file) throws IOException {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (StreamReadException e) {
            throw new IllegalArgumentException(file + ": " + problem(e), e);
        }
    }

    /**
     * Where the input is malformed, and what is wrong when that can be said without quoting the
     * input (Jackson's own messages quote it: the file might hold anything, a secret included).
     */
    static String problem(StreamReadException e) {
        return "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + detail(e);
    }

    /** What {@link #problem} says is wrong, after a colon, or nothing. */
    static String detail(StreamReadException e) {
        String message = e.getOriginalMessage();
        String duplicate = "Duplicate field '";
        if (message != null && message.startsWith(duplicate) && message.endsWith("'")) {
            return ": duplicate key \"" + message.substring(duplicate.length(), message.length() - 1) + "\"";
        }
        return e instanceof JsonEOFException ? ": unexpected end of input" : "";
    }

    /** Refuses NaN and infinities, which JSON cannot hold. */
    private static final class FiniteOnly extends JsonGeneratorDelegate {
        FiniteOnly(JsonGenerator g) {
            super(g, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            refuseUnless(Double.isFinite(v), v);
            super.writeNumber(v);
        }

        @Override
        public void writeNumber(float v) throws IOException {
            refuseUnless(Float.isFinite(v), v);
            super.writeNumber(v);
        }

        private void refuseUnless(boolean finite, Object v) throws JsonGenerationException {
            if (!finite) {
                throw new JsonGenerationException("JSON has no " + v + " (for \"" + getOutputContext().getCurrentName()
                        + "\"): only finite numbers can be written", this);
            }
        }
    }
}
