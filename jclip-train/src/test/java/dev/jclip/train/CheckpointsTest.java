package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path dir;

    private static Checkpoints.Contents file(String text) {
        return folder -> Files.writeString(folder.resolve("a.txt"), text);
    }

    @Test
    void aWriteThatFailsMidwayLeavesThePreviousCheckpoint() throws IOException {
        Checkpoints cp = new Checkpoints(dir, 3);
        Path first = cp.save(1, file("one"));
        IOException e = assertThrows(IOException.class, () -> cp.save(2, folder -> {
            Files.writeString(folder.resolve("a.txt"), "two");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(first, cp.latest().orElseThrow());
        assertEquals("one", Files.readString(first.resolve("a.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(first), s.toList()); // no partial step-2 folder, no temporary left behind
        }
    }

    @Test
    void keepsTheNewestAndOrdersByStepNotName() throws IOException {
        Checkpoints cp = new Checkpoints(dir, 2);
        for (long step : new long[] {5, 10, 100, 99_999_999L + 1}) {
            cp.save(step, file("s" + step));
        }
        assertEquals(List.of(dir.resolve("step-00000100"), dir.resolve("step-100000000")), cp.list());
        assertEquals(100_000_000L, Checkpoints.stepOf(cp.latest().orElseThrow()));
        assertFalse(Files.exists(dir.resolve("step-00000010")));
    }

    @Test
    void savingTheSameStepAgainReplacesIt() throws IOException {
        Checkpoints cp = new Checkpoints(dir, 2);
        cp.save(3, file("old"));
        Path p = cp.save(3, file("new"));
        assertEquals("new", Files.readString(p.resolve("a.txt")));
        assertEquals(List.of(p), cp.list());
    }

    @Test
    void emptyFolderHasNoLatest() throws IOException {
        assertEquals(false, new Checkpoints(dir.resolve("none"), 1).latest().isPresent());
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.stepOf(dir.resolve("model.safetensors")));
    }
}
