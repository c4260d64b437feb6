package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One shard read from a stream: samples with every part, captions or none, damage reported once. */
class WebDatasetShardTest {
    private static List<WebDatasetShard.Sample> read(byte[] tar, List<DataError> errors) {
        List<WebDatasetShard.Sample> out = new ArrayList<>();
        new WebDatasetShard(new ByteArrayInputStream(tar), "s.tar", errors::add).forEachRemaining(out::add);
        return out;
    }

    @Test
    void samplesKeepEveryPartAndCaptionsMayBeMissing() {
        byte[] tar = new TarBuilder().file("./a.PNG", "png-a").file("./a.txt", " cap a ").file("./a.cls", "3")
                .file("b.webp", "webp").file("b.jpg", "jpg").file("b.json", "{\"text\": \"from text\"}")
                .file("c.png", "png-c")
                .file("d.txt", "no image").file("d.json", "{\"caption\": 1}").finish();
        List<DataError> errors = new ArrayList<>();
        List<WebDatasetShard.Sample> xs = read(tar, errors);
        assertEquals(List.of(), errors);
        assertEquals(List.of("a", "b", "c", "d"), xs.stream().map(WebDatasetShard.Sample::key).toList());
        assertEquals(Map.of("png", "png-a", "txt", " cap a ", "cls", "3"), text(xs.get(0).parts()));
        assertEquals("png", xs.get(0).imageExtension());
        assertEquals("cap a", xs.get(0).caption());
        assertEquals("jpg", xs.get(1).imageExtension(), "the first of ImageExtensions.ALL, not of the archive");
        assertEquals("from text", xs.get(1).caption());
        assertNull(xs.get(2).caption());
        assertNull(xs.get(3).imageExtension());
        assertEquals("no image", xs.get(3).caption(), "txt comes before json");
        WebDatasetShard.Sample badJson = new WebDatasetShard.Sample("e", Map.of("json", "{\"caption\": 1}".getBytes()));
        assertEquals("json has no string 'caption' or 'text' field", assertThrows(IllegalArgumentException.class, badJson::caption).getMessage());
        WebDatasetShard.Sample notJson = new WebDatasetShard.Sample("f", Map.of("json", "{".getBytes()));
        assertTrue(assertThrows(IllegalArgumentException.class, notJson::caption).getMessage().startsWith("bad json: "));
    }

    @Test
    void aCutShardKeepsTheSamplesBeforeTheDamagedOne() {
        byte[] tar = new TarBuilder().file("a.png", "a").file("a.txt", "a").file("b.png", "b".repeat(2000)).file("b.txt", "b").finish();
        // Cut inside b.png's data: a is complete, b is not.
        byte[] cut = Arrays.copyOf(tar, 4 * 512 + 1000);
        List<DataError> errors = new ArrayList<>();
        List<WebDatasetShard.Sample> xs = read(cut, errors);
        assertEquals(List.of("a"), xs.stream().map(WebDatasetShard.Sample::key).toList());
        assertArrayEquals("a".getBytes(), xs.get(0).parts().get("txt"));
        assertEquals(1, errors.size(), errors::toString);
        assertEquals("s.tar", errors.get(0).where());
        assertTrue(errors.get(0).message().contains("entry b.png cut short") && errors.get(0).message().endsWith("; the rest of this shard is skipped"),
                errors.get(0)::toString);
    }

    private static Map<String, String> text(Map<String, byte[]> parts) {
        Map<String, String> m = new java.util.HashMap<>();
        parts.forEach((k, v) -> m.put(k, new String(v)));
        return m;
    }
}
