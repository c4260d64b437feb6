package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.model.ClipPresets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model-config}: a preset, a file or inline JSON; a broken one is named with the place at fault. */
class ModelConfigArgTest {
    @TempDir
    Path dir;

    @Test
    void brokenConfigsAreNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("model.json"), ClipPresets.get("ViT-B-32").toOpenClipJson()
                .replace("{\"embed_dim\":512,", "{\"embed_dim\":512,\n\"embed_dim\":256,"));
        assertEquals(file + ": malformed JSON at line 2, column 1: duplicate key \"embed_dim\"",
                assertThrows(IllegalArgumentException.class, () -> ModelConfigArg.parse(file.toString())).getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertEquals(latin1 + ": not UTF-8 text (byte 2 is not valid UTF-8)",
                assertThrows(IllegalArgumentException.class, () -> ModelConfigArg.parse(latin1.toString())).getMessage());
        assertEquals("--model-config (inline JSON): malformed JSON at line 1, column 17: expected ',' or '}'",
                assertThrows(IllegalArgumentException.class, () -> ModelConfigArg.parse("{\"embed_dim\": 5 6}")).getMessage());
        assertEquals(ClipPresets.get("ViT-B-32"), ModelConfigArg.parse(ClipPresets.get("ViT-B-32").toOpenClipJson()));
    }
}
