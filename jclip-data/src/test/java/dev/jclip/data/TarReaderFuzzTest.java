package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes {@link TarReader} with any archive bytes: it returns regular files, each no larger than
 * the archive, then the end of the archive, or fails with an {@link IOException} naming the archive.
 */
class TarReaderFuzzTest {
    private static final String NAME = "fuzz.tar";

    @FuzzTest
    void read(byte[] archive) {
        try (TarReader reader = new TarReader(new ByteArrayInputStream(archive), NAME)) {
            int entries = 0;
            for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
                assertTrue(e.name() != null && e.data().length <= archive.length, e.name());
                // Every entry has at least a 512-byte header.
                assertTrue(++entries <= archive.length / 512, "entries " + entries);
            }
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(NAME), e.toString());
        }
    }
}
