package dev.jclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An evaluation's log line is valid JSON on one line whatever its task is called. */
class PeriodicEvalLineTest {
    @Test
    void hostileNamesAndNonFiniteMetrics() throws Exception {
        StringBuilder name = new StringBuilder("set \"a\\b\" \u2028\u2029 é 😀 ");
        for (char c = 0; c < 0x20; c++) {
            name.append(c);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("top1", 2.0 / 3);
        metrics.put("top1_warm \"x\"\n", Double.NaN);
        metrics.put("top5", Double.POSITIVE_INFINITY);
        String line = new PeriodicEval.Point(7, "zeroshot", name.toString(), metrics, 1.25).toJson();

        assertTrue(line.chars().allMatch(c -> c >= 0x20), line);
        JsonNode back = new ObjectMapper().readTree(line.getBytes(StandardCharsets.UTF_8));
        assertEquals(name.toString(), back.get("name").textValue());
        assertEquals(0.666667, back.get("top1").doubleValue()); // 6 decimals
        assertTrue(back.get("top1_warm \"x\"\n").isNull(), line);
        assertTrue(back.get("top5").isNull(), line);
        assertEquals(1.25, back.get("seconds").doubleValue());
        assertEquals(7, back.get("step").intValue());
        assertEquals("zeroshot", back.get("eval").textValue());
    }
}
