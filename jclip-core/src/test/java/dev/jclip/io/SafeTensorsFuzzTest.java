package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes {@link SafeTensors#open} with whole files: a file is refused with an
 * {@link IllegalArgumentException} naming it, or opens with tensors that tile its data area and
 * read back at their declared sizes (an I64 value beyond int range being the one documented refusal).
 */
class SafeTensorsFuzzTest {
    private static final Path FILE = tempFile();

    @FuzzTest
    void open(byte[] file) throws IOException {
        Files.write(FILE, file);
        SafeTensors st;
        try {
            st = SafeTensors.open(FILE);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            return;
        }
        try (st) {
            long dataSize = file.length - 8 - ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long covered = 0;
            for (String name : st.names()) {
                SafeTensors.Info t = st.info(name);
                assertEquals(t.numel() * t.dtype().byteSize(), t.end() - t.begin(), name);
                covered += t.end() - t.begin();
                switch (t.dtype()) {
                    case F32, F16, BF16 -> {
                        assertEquals(t.numel(), st.floats(name).length, name);
                        assertEquals(t.numel(), st.tensor(name).numel(), name);
                    }
                    case I32, I64 -> {
                        assertEquals(t.numel(), st.longs(name).length, name);
                        try {
                            assertEquals(t.numel(), st.ints(name).length, name);
                        } catch (IllegalArgumentException e) {
                            assertTrue(t.dtype() == DType.I64 && e.getMessage().contains("does not fit an int"), e.getMessage());
                        }
                    }
                    default -> { }
                }
            }
            assertEquals(dataSize, covered);
        }
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("jclip-fuzz", ".safetensors");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
