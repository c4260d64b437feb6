package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** Three checkpoints of two files each, one in a sub-folder. */
    private static Checkpoints.Contents files(long step) {
        return folder -> {
            Files.writeString(folder.resolve("a.txt"), "step " + step + " ".repeat(100));
            Files.createDirectories(folder.resolve("sub"));
            Files.writeString(folder.resolve("sub/b.bin"), "b".repeat(50) + step);
        };
    }

    @Test
    void everyFileIsListedWithItsSizeAndCrc32c() throws IOException {
        Path p = new Checkpoints(dir, 1).save(7, files(7));
        // CRC32C of the bytes, as java.util.zip computes it independently of the file.
        java.util.zip.CRC32C a = new java.util.zip.CRC32C(), b = new java.util.zip.CRC32C();
        a.update(("step 7" + " ".repeat(100)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        b.update(("b".repeat(50) + "7").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of(String.format("%08x 106 a.txt", a.getValue()), String.format("%08x 51 sub/b.bin", b.getValue())),
                Files.readAllLines(p.resolve(Checkpoints.CHECKSUMS)));
        Checkpoints.verify(p);
    }

    @Test
    void damageOfAnyKindIsFoundAndNamed() throws IOException {
        Checkpoints cp = new Checkpoints(dir, 10);
        String[][] cases = {
            {"flip", "a.txt has CRC32C "}, {"cut", "sub/b.bin is 40 bytes, checksums.crc32c says 51 (cut short or overwritten)"},
            {"delete", "sub/b.bin is missing"}, {"sums", "checksums.crc32c is missing"}, {"line", "checksums.crc32c line 2 is malformed"},
            {"escape", "checksums.crc32c line 1 is malformed"},
        };
        long step = 1;
        for (String[] c : cases) {
            Path p = cp.save(step, files(step));
            step++;
            switch (c[0]) {
                case "flip" -> {
                    byte[] bytes = Files.readAllBytes(p.resolve("a.txt"));
                    for (int i = 40; i < 56; i++) {
                        bytes[i] ^= (byte) 0xA5;
                    }
                    Files.write(p.resolve("a.txt"), bytes);
                }
                case "cut" -> Files.write(p.resolve("sub/b.bin"), java.util.Arrays.copyOf(Files.readAllBytes(p.resolve("sub/b.bin")), 40));
                case "delete" -> Files.delete(p.resolve("sub/b.bin"));
                case "sums" -> Files.delete(p.resolve(Checkpoints.CHECKSUMS));
                case "line" -> Files.writeString(p.resolve(Checkpoints.CHECKSUMS), Files.readAllLines(p.resolve(Checkpoints.CHECKSUMS)).get(0)
                        + "\nnot a checksum line\n");
                default -> Files.writeString(p.resolve(Checkpoints.CHECKSUMS), "00000000 3 ../elsewhere.txt\n");
            }
            DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Checkpoints.verify(p));
            assertEquals(p, e.checkpoint());
            assertTrue(e.reason().startsWith(c[1]), e.reason());
            assertEquals("checkpoint " + p + " is damaged: " + e.reason(), e.getMessage());
        }
    }

    @Test
    void theNewestIntactOneIsFoundAndDamagedNewerOnesAreMovedAside() throws IOException {
        Checkpoints cp = new Checkpoints(dir, 3);
        for (long step = 1; step <= 3; step++) {
            cp.save(step, files(step));
        }
        Files.delete(dir.resolve("step-00000003/a.txt"));
        Files.writeString(dir.resolve("step-00000002/sub/b.bin"), "x");
        List<String> reported = new ArrayList<>();
        assertEquals(dir.resolve("step-00000001"), cp.latestIntact((e, aside) -> reported.add(e.getMessage() + " -> " + aside)).orElseThrow());
        assertEquals(List.of(
                "checkpoint " + dir.resolve("step-00000003") + " is damaged: a.txt is missing -> " + dir.resolve("damaged-step-00000003"),
                "checkpoint " + dir.resolve("step-00000002") + " is damaged: sub/b.bin is 1 bytes, checksums.crc32c says 51 "
                        + "(cut short or overwritten) -> " + dir.resolve("damaged-step-00000002")), reported);
        assertEquals(List.of(dir.resolve("step-00000001")), cp.list());
        // The run goes on from step 1: its new checkpoints rotate as usual, the damaged ones stay aside.
        for (long step = 2; step <= 5; step++) {
            cp.save(step, files(step));
        }
        assertEquals(List.of(dir.resolve("step-00000003"), dir.resolve("step-00000004"), dir.resolve("step-00000005")), cp.list());
        assertTrue(Files.isDirectory(dir.resolve("damaged-step-00000003")));
        // Damaged again at the same step: a second name.
        Files.delete(dir.resolve("step-00000005/a.txt"));
        assertEquals(dir.resolve("step-00000004"), cp.latestIntact((e, aside) -> reported.add(aside.toString())).orElseThrow());
        Files.delete(dir.resolve("step-00000004/a.txt"));
        Files.delete(dir.resolve("step-00000003/a.txt"));
        assertFalse(cp.latestIntact((e, aside) -> reported.add(aside.toString())).isPresent());
        assertEquals(List.of(dir.resolve("damaged-step-00000005").toString(), dir.resolve("damaged-step-00000004").toString(),
                dir.resolve("damaged-step-00000003.2").toString()), reported.subList(2, 5));
    }
}
