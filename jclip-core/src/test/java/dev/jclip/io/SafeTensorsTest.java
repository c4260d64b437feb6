package dev.jclip.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTensorsTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- reference fixtures

    /** Every tensor of each fixture, checked against the header parsed by Jackson and the bytes decoded by ByteBuffer. */
    @ParameterizedTest
    @ValueSource(strings = {"open_clip_model.safetensors", "io.safetensors", "hf/model.safetensors"})
    @RequiresShared
    void fixturesMatchAnIndependentDecoding(String file) throws IOException {
        Path p = Shared.path("fixtures/models/vit-tiny/" + file);
        byte[] raw = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) bb.getLong(0);
        JsonNode header = JACKSON.readTree(new String(raw, 8, headerLen, StandardCharsets.UTF_8));
        int dataStart = 8 + headerLen;

        try (SafeTensors st = SafeTensors.open(p)) {
            List<String> expectedNames = new ArrayList<>();
            for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!n.equals("__metadata__")) {
                    expectedNames.add(n);
                }
            }
            assertEquals(expectedNames, st.names());
            for (String name : expectedNames) {
                JsonNode e = header.get(name);
                SafeTensors.Info info = st.info(name);
                assertEquals(e.get("dtype").asText(), info.dtype().name(), name);
                int[] shape = new int[e.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.get("shape").get(i).asInt();
                }
                assertArrayEquals(shape, info.shape(), name);
                int begin = dataStart + e.get("data_offsets").get(0).asInt();
                int n = (int) Tensor.numel(shape);
                if (info.dtype() == DType.F32) {
                    float[] expected = new float[n];
                    bb.slice(begin, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
                    assertArrayEquals(expected, st.floats(name), name);
                    assertArrayEquals(shape, st.tensor(name).shape(), name);
                    MemorySegment seg = st.f32Segment(name);
                    assertEquals(4L * n, seg.byteSize());
                    assertEquals(expected[n - 1], seg.get(SafeTensors.F32_LE, 4L * (n - 1)), name);
                } else {
                    assertEquals(DType.I32, info.dtype(), name);
                    int[] expected = new int[n];
                    bb.slice(begin, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(expected);
                    assertArrayEquals(expected, st.ints(name), name);
                }
            }
            JsonNode meta = header.get("__metadata__");
            assertEquals(meta == null ? 0 : meta.size(), st.metadata().size());
            if (meta != null) {
                meta.properties().forEach(f -> assertEquals(f.getValue().asText(), st.metadata().get(f.getKey())));
            }
        }
    }

    @Test
    @RequiresShared
    void fixtureValuesKnownFromTheReference() throws IOException {
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors"))) {
            // clipref.py initializes logit_scale to log(1/0.07), as CLIP does.
            assertEquals((float) Math.log(1 / 0.07), st.tensor("logit_scale").item());
            assertEquals(0, st.info("logit_scale").shape().length);
            assertArrayEquals(new int[] {77, 128}, st.info("positional_embedding").shape());
            assertEquals("openai", st.metadata().get("format"));
            assertTrue(st.metadata().get("config").contains("\"embed_dim\": 64"), st.metadata().get("config"));
        }
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/vit-tiny/io.safetensors"))) {
            assertEquals(DType.I32, st.info("input.tokens").dtype());
            int[] tokens = st.ints("input.tokens");
            assertArrayEquals(new int[] {4, 77}, st.info("input.tokens").shape());
            // Row 0: start token 997, four word ids, end token 999 (the largest id), zero padding.
            assertArrayEquals(new int[] {997, 37, 361, 628, 335, 999, 0, 0}, Arrays.copyOf(tokens, 8));
            assertArrayEquals(new long[] {997, 37, 361}, Arrays.copyOf(st.longs("input.tokens"), 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.floats("input.tokens"));
            assertContains(e, "'input.tokens'", "io.safetensors", "I32", "floats()");
            assertContains(assertThrows(IllegalArgumentException.class, () -> st.tensor("input.tokens")),
                    "'input.tokens'", "is I32", "tensor() reads [F32, F16, BF16]");
        }
    }

    @Test
    @RequiresShared
    void missingTensorListsSomeNames() throws IOException {
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors"))) {
            assertFalse(st.contains("visual.nope"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.floats("visual.nope"));
            assertContains(e, "no tensor 'visual.nope'", "open_clip_model.safetensors", "it has: ln_final.bias, ln_final.weight",
                    "… (62 in all)");
        }
    }

    @Test
    @RequiresShared
    void accessAfterCloseFails() throws IOException {
        SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors"));
        MemorySegment seg = st.f32Segment("logit_scale");
        st.close();
        assertThrows(IllegalStateException.class, () -> seg.get(SafeTensors.F32_LE, 0));
        assertThrows(IllegalStateException.class, () -> st.floats("logit_scale"));
    }

    @Test
    void tensorsBeyondTwoGigabytes() throws IOException {
        // A sparse file: 2^31 + 16 bytes of U8 padding tensor, then an F32 tensor read through long offsets.
        long big = (1L << 31) + 16;
        byte[] h = ("{\"pad\":{\"dtype\":\"U8\",\"shape\":[2," + (big / 2) + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}  ")
                .getBytes(StandardCharsets.US_ASCII);
        Path p = dir.resolve("large.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(length(h.length));
            f.write(h);
            f.seek(8 + h.length + big);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(6.5f).putFloat(-0.125f).array());
        }
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(DType.U8, st.info("pad").dtype());
            assertArrayEquals(new float[] {6.5f, -0.125f}, st.floats("tail"));
            assertEquals(-0.125f, st.f32Segment("tail").get(SafeTensors.F32_LE, 4));
            assertContains(assertThrows(IllegalArgumentException.class, () -> st.floats("pad")), "'pad'", "is U8");
        }
    }

    // ---------------------------------------------------------------- conversions on hand-made files

    @Test
    void f16WidensExactly() throws IOException {
        short[] bits = {0x3C00, (short) 0xC000, 0x3555, 0x7BFF, 0x0001, 0x03FF, 0x0400, (short) 0x8000,
            0x7C00, (short) 0xFC00, 0x7E00};
        float[] expected = {1f, -2f, 0.333251953125f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, -0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        Path p = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[11],\"data_offsets\":[0,22]}}", shorts(bits));
        try (SafeTensors st = SafeTensors.open(p)) {
            assertBitsEqual(expected, st.floats("h"));
            assertEquals(DType.F16, st.info("h").dtype());
        }
    }

    @Test
    void bf16WidensExactly() throws IOException {
        short[] bits = {0x3F80, (short) 0xC000, 0x4049, 0x0001, (short) 0x8000, 0x7F80, (short) 0xFF80, 0x7FC0, 0x7F7F};
        float[] expected = {1f, -2f, 3.140625f, 0x1p-133f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NaN, 0x1.FEp127f};
        Path p = file("{\"b\":{\"dtype\":\"BF16\",\"shape\":[3,3],\"data_offsets\":[0,18]}}", shorts(bits));
        try (SafeTensors st = SafeTensors.open(p)) {
            assertBitsEqual(expected, st.floats("b"));
            assertArrayEquals(new int[] {3, 3}, st.tensor("b").shape());
        }
    }

    @Test
    void i64ReadsAsIntsWhenTheyFit() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(7).putLong(-1).putLong(Integer.MIN_VALUE).putLong(1L << 31).putLong(Long.MIN_VALUE);
        Path p = file("{\"small\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"big\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]}}", b.array());
        try (SafeTensors st = SafeTensors.open(p)) {
            assertArrayEquals(new int[] {7, -1, Integer.MIN_VALUE}, st.ints("small"));
            assertArrayEquals(new long[] {1L << 31, Long.MIN_VALUE}, st.longs("big"));
            assertContains(assertThrows(IllegalArgumentException.class, () -> st.ints("big")),
                    "'big'", "element 0 = 2147483648", "longs()");
            assertContains(assertThrows(IllegalArgumentException.class, () -> st.f32Segment("big")), "I64", "f32Segment");
        }
    }

    @Test
    void unsortedHeaderZeroSizeTensorsAndPaddingAreValid() throws IOException {
        // The header order need not follow the data order; empty tensors take no bytes; spaces may pad the header.
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-3f).putInt(42);
        Path p = file("{\"z\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[8,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"k\":\"v \\\"q\\\"\"}}     ", b.array());
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(List.of("z", "empty", "a"), st.names());
            assertArrayEquals(new float[] {1.5f, -3f}, st.floats("a"));
            assertArrayEquals(new int[] {42}, st.ints("z"));
            assertEquals(0, st.floats("empty").length);
            assertEquals(Map.of("k", "v \"q\""), st.metadata());
        }
    }

    @Test
    void emptyFileWithoutTensors() throws IOException {
        try (SafeTensors st = SafeTensors.open(file("{}      ", new byte[0]))) {
            assertTrue(st.names().isEmpty());
            assertContains(assertThrows(IllegalArgumentException.class, () -> st.info("x")), "no tensor 'x'", "no tensors");
        }
    }

    // ---------------------------------------------------------------- malformed files

    @Test
    void refusesImpossibleHeaderLengths() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertMalformed(tiny, "tiny.safetensors", "fewer than the 8-byte header length");

        assertMalformed(withLength(1000, "{}"), "header length 1000 is impossible", "2 bytes after");
        assertMalformed(withLength(-1, "{}"), "header length in the first 8 bytes exceeds the 104857600-byte limit");

        // A sparse 150 MB file claiming a 120 MB header: refused by the 100 MB limit, before allocating.
        Path sparse = dir.resolve("sparse.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(120L << 20).array());
            f.setLength(150L << 20);
        }
        assertMalformed(sparse, "sparse.safetensors", "header length in the first 8 bytes exceeds the 104857600-byte limit");
    }

    @Test
    void refusesBadHeaders() throws IOException {
        assertMalformed(file("[1,2]", new byte[0]), "does not start with '{'");
        assertMalformed(file("", new byte[0]), "does not start with '{'");
        assertMalformed(file("{\"a\":", new byte[0]), "not valid JSON", "unexpected end of input");
        assertMalformed(file("{\"a\":1}x", new byte[0]), "not valid JSON", "trailing characters");
        Path badUtf8 = dir.resolve("utf8.safetensors");
        byte[] h = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        Files.write(badUtf8, concat(length(h.length), h));
        assertMalformed(badUtf8, "not valid UTF-8");
        assertMalformed(file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is not a JSON object");
        assertMalformed(file("{\"__metadata__\":{\"n\":3}}", new byte[0]), "__metadata__ entry 'n' is not a string");
    }

    @Test
    void refusesBadTensorEntries() throws IOException {
        byte[] d8 = new byte[8];
        assertMalformed(file("{\"t\":5}", d8), "tensor 't'", "not a JSON object");
        assertMalformed(file("{\"t\":{\"shape\":[2],\"data_offsets\":[0,8]}}", d8), "tensor 't'", "\"dtype\"");
        assertMalformed(file(entry("F128", "[2]", "[0,8]"), d8), "tensor 't'", "unknown dtype 'F128'");
        assertMalformed(file("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", d8), "tensor 't'", "\"shape\"");
        assertMalformed(file(entry("F32", "[-2]", "[0,8]"), d8), "tensor 't'", "dimension -2");
        assertMalformed(file(entry("F32", "[2.5]", "[0,8]"), d8), "tensor 't'", "dimension 2.5");
        assertMalformed(file(entry("F32", "[4294967296]", "[0,8]"), d8), "tensor 't'", "dimension 4294967296");
        assertMalformed(file(entry("F32", "[2]", "[0]"), d8), "tensor 't'", "\"data_offsets\" must be two");
        assertMalformed(file(entry("F32", "[2]", "[-8,0]"), d8), "tensor 't'", "\"data_offsets\" must be two");
        assertMalformed(file(entry("F32", "[2]", "[8,0]"), d8), "tensor 't'", "end before they begin");
        assertMalformed(file(entry("F32", "[2]", "[0,8]"), new byte[4]), "tensor 't'", "outside the data area of 4 bytes");
        assertMalformed(file(entry("F32", "[3]", "[0,8]"), d8), "tensor 't'", "shape [3] of F32 needs 12 bytes",
                "span 8");
        assertMalformed(file(entry("F16", "[2147483647,2147483647,2147483647]", "[0,8]"), d8), "tensor 't'",
                "too large");
    }

    @Test
    void refusesOverlapsHolesAndUncoveredBytes() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertMalformed(file("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        assertMalformed(file("{" + a + ",\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[12,16]}}", new byte[16]),
                "hole", "[8, 12)", "'b'");
        assertMalformed(file("{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "hole", "[0, 4)");
        assertMalformed(file("{" + a + "}", new byte[12]), "data area has 12 bytes", "cover only the first 8");
    }

    // ---------------------------------------------------------------- helpers

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    private int files;

    /** A safetensors file: u64 length, {@code header} as UTF-8, then {@code data}. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("case" + files++ + ".safetensors");
        Files.write(p, concat(concat(length(h.length), h), data));
        return p;
    }

    private Path withLength(long claimed, String header) throws IOException {
        Path p = dir.resolve("case" + files++ + ".safetensors");
        Files.write(p, concat(length(claimed), header.getBytes(StandardCharsets.UTF_8)));
        return p;
    }

    private static byte[] length(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private static byte[] shorts(short[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) {
            b.putShort(s);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static void assertMalformed(Path p, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(p).close());
        assertContains(e, fragments);
        assertTrue(e.getMessage().contains(p.toString()), "message should name the file: " + e.getMessage());
    }

    private static void assertContains(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks \"" + f + "\": " + e.getMessage());
        }
    }
}
