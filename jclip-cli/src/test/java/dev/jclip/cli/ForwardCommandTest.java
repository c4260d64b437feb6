package dev.jclip.cli;

import static dev.jclip.testing.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jclip forward} on the vit-tiny fixture reproduces the reference's io.safetensors. */
@RequiresShared
class ForwardCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesWhatTheReferenceComputed() throws IOException {
        Path dir = Shared.path("fixtures/models/vit-tiny");
        Path out = tmp.resolve("out.safetensors");
        int rc = new CommandLine(new Main()).execute("forward", "--model", dir.resolve("open_clip_model.safetensors").toString(),
                "--inputs", dir.resolve("io.safetensors").toString(), "--output", out.toString(), "--grads");
        assertEquals(0, rc);
        try (SafeTensors want = SafeTensors.open(dir.resolve("io.safetensors")); SafeTensors got = SafeTensors.open(out)) {
            TreeSet<String> expected = new TreeSet<>(want.names());
            expected.removeIf(n -> n.startsWith("input."));
            assertEquals(expected, new TreeSet<>(got.names()));
            for (String n : got.names()) {
                Tensor t = got.tensor(n);
                assertClose(n, want.info(n).shape(), want.floats(n), t.shape(), t.data(), n.startsWith("output.") ? 1e-4 : 1e-3);
            }
        }
    }
}
