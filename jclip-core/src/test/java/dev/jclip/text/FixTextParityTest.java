package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of parity/ftfy/cases.jsonl (made by parity/make_ftfy_cases.py with ftfy 6.3.1 and
 * open_clip 3.3): {@code ftfy.fix_text}, open_clip's cleaning and its token ids, each exactly.
 */
class FixTextParityTest {
    private static final String RESOURCE = "/parity/ftfy/cases.jsonl";
    private static final ClipTokenizer TOKENIZER = ClipTokenizer.original(Shared.path("clip/bpe_simple_vocab_16e6.txt.gz"));

    static Stream<Arguments> cases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Arguments> cases = new ArrayList<>();
        InputStream in = FixTextParityTest.class.getResourceAsStream(RESOURCE);
        assertNotNull(in, "missing test resource " + RESOURCE);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            JsonNode header = json.readTree(lines.readLine());
            assertEquals("6.3.1", header.get("ftfy").asText());
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode c = json.readTree(line);
                int[] ids = new int[77];
                for (int i = 0; i < c.get("ids").size(); i++) {
                    ids[i] = c.get("ids").get(i).asInt();
                }
                cases.add(Arguments.of(Named.of(c.get("name").asText(), c.get("text").asText()),
                        c.get("ftfy").asText(), c.get("clean").asText(), ids));
            }
            assertEquals(header.get("cases").asInt(), cases.size(), "cases in " + RESOURCE);
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesFtfyAndOpenClip(String text, String ftfy, String clean, int[] ids) {
        assertEquals(ftfy, FixText.fix(text), "fix_text");
        assertEquals(clean, TextCleaner.clean(text), "open_clip clean");
        assertArrayEquals(ids, TOKENIZER.tokenize(List.of(text), 77, true).ids()[0], "open_clip token ids");
    }
}
