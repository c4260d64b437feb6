package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jclip bench embed}: the result line. */
@RequiresShared
class BenchEmbedCommandTest {
    @TempDir
    Path dir;

    @Test
    void lastLineComparesPipelineAndEncoder() throws IOException {
        for (int i = 0; i < 5; i++) {
            Cli.png(dir.resolve("img" + i + ".png"), i);
        }
        Cli r = Cli.run("bench", "embed", "--model", Cli.VIT.toString(), "--images", dir.toString(), "--batch", "2");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("embed images=5 images_per_s=[0-9]+\\.[0-9]{2} encoder_images_per_s=[0-9]+\\.[0-9]{2} ratio=[0-9]+\\.[0-9]{3}"), last);

        Cli both = Cli.run("bench", "embed", "--model", Cli.VIT.toString(), "--preset", "ViT-B-32", "--images", dir.toString());
        assertEquals(1, both.code);
        assertTrue(both.err.contains("give either --model or --preset NAME"), both.err);
    }
}
