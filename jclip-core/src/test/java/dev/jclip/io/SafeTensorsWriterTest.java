package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void exactBytesByHand() throws IOException {
        Path p = dir.resolve("small.safetensors");
        new SafeTensorsWriter()
                .add("b", new float[] {1f}, 1)
                .add("a", new int[] {2}, 1)
                .add("c", new long[] {3L}, 1)
                .metadata("k", "v")
                .write(p);
        // Data layout: 8-byte elements first, then by name.
        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}";
        assertEquals(188, json.length());
        byte[] expected = new byte[8 + 192 + 16];
        expected[0] = (byte) 192;
        System.arraycopy(json.getBytes(StandardCharsets.US_ASCII), 0, expected, 8, 188);
        Arrays.fill(expected, 8 + 188, 8 + 192, (byte) ' ');
        byte[] data = {3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, (byte) 0x80, 0x3F};
        System.arraycopy(data, 0, expected, 200, 16);
        assertArrayEquals(expected, Files.readAllBytes(p));
    }

    @Test
    void roundTripThroughReaderAndJackson() throws IOException {
        float[] big = new float[100_005]; // several times the writer's 64 KiB buffer
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.25f - 7f;
        }
        int[] ints = new int[20_001];
        long[] longs = new long[20_001];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = i * 7919 - 1_000_000;
            longs[i] = (long) i * 1_000_000_007L - Long.MAX_VALUE / 2;
        }
        longs[0] = Long.MAX_VALUE;
        String odd = "q\"b\\s/\n\t\r\u0001\u001f é 😀";
        Path p = dir.resolve("round.safetensors");
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .metadata("odd \"key\"", odd)
                .add("big", big, 3, 33_335)
                .add("ints", ints, 20_001)
                .add("longs", longs, 1, 20_001)
                .add("scalar", Tensor.scalar(-0.5f))
                .add("empty", new float[0], 0, 5)
                .add("odd ✓ \"name\"", new float[] {9f}, 1)
                .write(p);

        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(Map.of("format", "pt", "odd \"key\"", odd), st.metadata());
            assertArrayEquals(big, st.floats("big"));
            assertArrayEquals(new int[] {3, 33_335}, st.info("big").shape());
            assertArrayEquals(ints, st.ints("ints"));
            assertArrayEquals(longs, st.longs("longs"));
            assertEquals(DType.I64, st.info("longs").dtype());
            assertEquals(-0.5f, st.tensor("scalar").item());
            assertEquals(0, st.info("scalar").shape().length);
            assertArrayEquals(new int[] {0, 5}, st.info("empty").shape());
            assertArrayEquals(new float[] {9f}, st.floats("odd ✓ \"name\""));
            // Every tensor is aligned to its element size in the data area.
            for (String n : st.names()) {
                assertEquals(0, st.info(n).begin() % st.info(n).dtype().byteSize(), n);
            }
        }

        byte[] raw = Files.readAllBytes(p);
        long headerLen = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLen % 8);
        JsonNode header = new ObjectMapper().readTree(new String(raw, 8, (int) headerLen, StandardCharsets.UTF_8));
        assertEquals(odd, header.get("__metadata__").get("odd \"key\"").asText());
        assertEquals("F32", header.get("odd ✓ \"name\"").get("dtype").asText());
        assertEquals(List.of("__metadata__", "longs", "big", "empty", "ints", "odd ✓ \"name\"", "scalar"),
                header.propertyStream().map(Map.Entry::getKey).toList());
    }

    @Test
    void unpairedSurrogatesAreEscaped() throws IOException {
        Path p = dir.resolve("surrogate.safetensors");
        new SafeTensorsWriter().metadata("s", "x\uD800y").write(p);
        assertTrue(new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).contains("\"x\\ud800y\""));
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals("x\uD800y", st.metadata().get("s"));
        }
    }

    @Test
    void replacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path p = dir.resolve("w.safetensors");
        new SafeTensorsWriter().add("x", new float[] {1, 2}, 2).write(p);
        new SafeTensorsWriter().add("y", new int[] {5}, 1).write(p);
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(List.of("y"), st.names());
            assertArrayEquals(new int[] {5}, st.ints("y"));
        }
        assertEquals(List.of(p), list(dir));
    }

    @Test
    void failedWriteRemovesItsTemporaryFile() throws IOException {
        // The target is a non-empty folder: the final rename fails and must leave everything as it was.
        Path target = dir.resolve("taken.safetensors");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "keep");
        assertThrows(IOException.class, () -> new SafeTensorsWriter().add("x", new float[] {1}, 1).write(target));
        assertEquals(List.of(target), list(dir));
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
    }

    @Test
    void refusesBadTensors() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("x", new float[] {1, 2}, 2);
        assertContains(assertThrows(IllegalArgumentException.class, () -> w.add("x", new int[] {1}, 1)),
                "'x' added twice");
        assertContains(assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", new int[] {1}, 1)),
                "reserved");
        assertContains(assertThrows(IllegalArgumentException.class, () -> w.add("y", new float[] {1, 2, 3}, 2, 2)),
                "'y'", "[2, 2] needs 4 elements", "has 3");
        assertContains(assertThrows(IllegalArgumentException.class, () -> w.add("z", new long[0], 2, -1)),
                "'z'", "negative dimension");
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }

    private static void assertContains(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
    }
}
