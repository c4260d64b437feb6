package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Lazy;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of parity/ftfy/ (made by parity/make_ftfy_cases.py with ftfy 6.3.1 and open_clip 3.3),
 * each exactly: {@code ftfy.fix_text}, {@code ftfy.fix_encoding}, {@code is_bad}, open_clip's
 * cleaning and its token ids.
 */
class FixTextParityTest {
    private static final Lazy<ClipTokenizer> TOKENIZER = Lazy.of(() -> ClipTokenizer.original(Shared.path("clip/bpe_simple_vocab_16e6.txt.gz")));
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : read("cases.jsonl")) {
            int[] ids = new int[77];
            for (int i = 0; i < c.get("ids").size(); i++) {
                ids[i] = c.get("ids").get(i).asInt();
            }
            cases.add(Arguments.of(Named.of(c.get("name").asText(), c.get("text").asText()), c.get("ftfy").asText(),
                    c.get("encoding").asText(), c.get("bad").asBoolean(), c.get("clean").asText(), ids));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @RequiresShared
    void matchesFtfyAndOpenClip(String text, String ftfy, String encoding, boolean bad, String clean, int[] ids) {
        assertEquals(ftfy, FixText.fix(text), "fix_text");
        assertEquals(encoding, FixEncoding.fix(text), "fix_encoding");
        assertEquals(bad, Badness.isBad(text), "is_bad");
        assertEquals(clean, TextCleaner.clean(text), "open_clip clean");
        assertArrayEquals(ids, TOKENIZER.get().tokenize(List.of(text), 77, true).ids()[0], "open_clip token ids");
    }

    @Test
    void isBadMatchesFtfy() throws IOException {
        List<JsonNode> cases = read("is_bad.jsonl");
        List<String> wrong = new ArrayList<>();
        int flagged = 0;
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            boolean bad = c.get("bad").asBoolean();
            flagged += bad ? 1 : 0;
            if (Badness.isBad(text) != bad) {
                wrong.add(text.codePoints().mapToObj(cp -> "U+" + Integer.toHexString(cp)).toList() + " should be " + bad);
            }
        }
        assertEquals(cases.size() / 2, flagged, "half the cases are flagged");
        assertEquals(List.of(), wrong);
    }

    /** The cases of a file: every line after the header, whose count and ftfy version are checked. */
    private static List<JsonNode> read(String file) throws IOException {
        String resource = "/parity/ftfy/" + file;
        InputStream in = FixTextParityTest.class.getResourceAsStream(resource);
        assertNotNull(in, "missing test resource " + resource);
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            JsonNode header = JSON.readTree(lines.readLine());
            assertEquals("6.3.1", header.get("ftfy").asText());
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                cases.add(JSON.readTree(line));
            }
            assertEquals(header.get("cases").asInt(), cases.size(), "cases in " + resource);
        }
        return cases;
    }
}
