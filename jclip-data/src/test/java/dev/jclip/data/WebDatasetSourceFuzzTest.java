package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes a {@link WebDatasetSource} shard: every problem is a {@link DataError} naming the shard
 * (never an exception out of the stream), and every example has a key, a caption and an image.
 */
class WebDatasetSourceFuzzTest {
    private static final Path SHARD = tempFile();

    @FuzzTest
    void examples(byte[] shard) throws IOException {
        Files.write(SHARD, shard);
        List<DataError> errors = new ArrayList<>();
        List<Example> examples = new WebDatasetSource(List.of(SHARD), 0).examples(0, errors::add).toList();
        for (Example e : examples) {
            assertTrue(e.key() != null && e.caption() != null && e.image() != null, e.toString());
        }
        for (DataError e : errors) {
            assertTrue(e.where().startsWith(SHARD.toString()), e.toString());
        }
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("jclip-fuzz", ".tar");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
