package dev.jclip.io;

import dev.jclip.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only, memory-mapped <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * file: an unsigned little-endian u64 header length, a UTF-8 JSON header mapping
 * each tensor name to {@code {dtype, shape, data_offsets:[begin,end]}} (plus an
 * optional {@code __metadata__} object of strings), then the data area the
 * offsets index. Little-endian, C order.
 *
 * <p>{@link #open} checks the whole header before anything is allocated for the
 * data: every tensor's byte span must match its shape and dtype, and the spans,
 * sorted by offset, must tile the data area exactly (no overlap, no hole, no
 * trailing bytes), as the format requires. Errors are
 * {@link IllegalArgumentException}s naming the file and the tensor.
 *
 * <p>The file is mapped, not read, so files larger than 2 GB work and
 * {@link #f32Segment} gives weights without a copy. Those segments, like every
 * accessor, fail with {@link IllegalStateException} after {@link #close()}, unless
 * the file was mapped into the caller's arena ({@link #open(Path, Arena)}).
 * Safe for concurrent reads.
 */
public final class SafeTensors implements AutoCloseable {
    /** Largest header accepted, the limit of the reference implementation: more means a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Layout of one element of an {@link #f32Segment}: little-endian, any alignment. */
    public static final ValueLayout.OfFloat F32_LE = Tensor.ELEMENT;
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String METADATA = "__metadata__";

    /**
     * One tensor's header entry. {@code begin} and {@code end} are its
     * {@code data_offsets}: byte offsets into the data area, end exclusive.
     */
    public record Info(String name, DType dtype, int[] shape, long begin, long end) {
        public Info {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements (1 for a scalar). */
        public long numel() {
            return Tensor.numel(shape);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape);
        }
    }

    private final Path path;
    /** The arena to close in {@link #close()}, or null when the caller's arena owns the mapping. */
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Info> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Arena arena, MemorySegment data, Map<String, Info> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens, validates and maps {@code path}; close it to unmap. */
    public static SafeTensors open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(path, arena, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens, validates and maps {@code path} into {@code arena}: the mapping, and every
     * {@link #f32Segment}, lives until that arena is closed ({@link Arena#ofAuto()}: while any
     * segment is reachable), and {@link #close()} leaves it alone. For weights used in place.
     */
    public static SafeTensors open(Path path, Arena arena) throws IOException {
        return open(path, arena, null);
    }

    private static SafeTensors open(Path path, Arena arena, Arena owned) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(path, "file has " + size + " bytes, fewer than the 8-byte header length; not a safetensors file");
            }
            long headerLen = readFully(ch, 0, 8).getLong(0);
            // Compared as unsigned, and before the header buffer is allocated. A length past the limit is
            // not shown: from a file that is not safetensors, those 8 bytes would be its first 8 bytes of text.
            if (Long.compareUnsigned(headerLen, MAX_HEADER_BYTES) > 0) {
                throw bad(path, "the header length in the first 8 bytes exceeds the " + MAX_HEADER_BYTES
                        + "-byte limit for headers; the file is corrupt or not safetensors");
            }
            if (headerLen > size - 8) {
                throw bad(path, "header length " + headerLen + " is impossible: the file has " + (size - 8)
                        + " bytes after the length field; the file is corrupt or not safetensors");
            }
            ByteBuffer headerBytes = readFully(ch, 8, (int) headerLen);
            long dataSize = size - 8 - headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Info> tensors = parseHeader(path, headerBytes, dataSize, metadata);
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 8 + headerLen, dataSize, arena);
            return new SafeTensors(path, owned, data, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** True when the file holds a tensor named {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of {@code name}. */
    public Info info(String name) {
        Info t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + path + "; it has: " + abbreviatedNames());
        }
        return t;
    }

    /** The {@code __metadata__} strings (empty when absent), in header order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** A copy of an F32, F16 or BF16 tensor as floats (half types are widened exactly). */
    public float[] floats(String name) {
        Info t = info(name);
        requireDtype(t, "floats", DType.F32, DType.F16, DType.BF16);
        float[] out = new float[arrayLength(t)];
        if (t.dtype == DType.F32) {
            MemorySegment.copy(data, F32_LE, t.begin, out, 0, out.length);
        } else if (t.dtype == DType.F16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.float16ToFloat(data.get(I16_LE, t.begin + 2L * i));
            }
        } else {
            // bfloat16 is the top half of a float32.
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.intBitsToFloat((data.get(I16_LE, t.begin + 2L * i) & 0xFFFF) << 16);
            }
        }
        return out;
    }

    /** A copy of an I32 tensor, or of an I64 tensor whose values all fit an int. */
    public int[] ints(String name) {
        Info t = info(name);
        requireDtype(t, "ints", DType.I32, DType.I64);
        int[] out = new int[arrayLength(t)];
        if (t.dtype == DType.I32) {
            MemorySegment.copy(data, I32_LE, t.begin, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                long v = data.get(I64_LE, t.begin + 8L * i);
                if (v != (int) v) {
                    throw new IllegalArgumentException("tensor '" + t.name + "' in " + path + ": element " + i
                            + " = " + v + " does not fit an int; read it with longs()");
                }
                out[i] = (int) v;
            }
        }
        return out;
    }

    /** A copy of an I64 or I32 tensor as longs. */
    public long[] longs(String name) {
        Info t = info(name);
        requireDtype(t, "longs", DType.I64, DType.I32);
        long[] out = new long[arrayLength(t)];
        if (t.dtype == DType.I64) {
            MemorySegment.copy(data, I64_LE, t.begin, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = data.get(I32_LE, t.begin + 4L * i);
            }
        }
        return out;
    }

    /** A constant tensor holding {@link #floats} of {@code name} in its shape. */
    public Tensor tensor(String name) {
        Info t = info(name);
        requireDtype(t, "tensor", DType.F32, DType.F16, DType.BF16);
        return Tensor.of(floats(name), t.shape);
    }

    /**
     * The bytes of an F32 tensor in the mapping, without a copy: element
     * {@code i} is {@code segment.get(F32_LE, 4L * i)}. Read-only, and valid
     * until {@link #close()}, or, for a file opened into the caller's arena, until that arena closes.
     */
    public MemorySegment f32Segment(String name) {
        Info t = info(name);
        requireDtype(t, "f32Segment", DType.F32);
        return data.asSlice(t.begin, t.end - t.begin);
    }

    /**
     * The bytes of an F16 or BF16 tensor in the mapping, without a copy: element {@code i} is
     * {@code segment.get(Tensor.HALF_ELEMENT, 2L * i)}. Valid as long as {@link #f32Segment}'s.
     */
    public MemorySegment halfSegment(String name) {
        Info t = info(name);
        requireDtype(t, "halfSegment", DType.F16, DType.BF16);
        return data.asSlice(t.begin, t.end - t.begin);
    }

    /** Unmaps the file, unless it was mapped into the caller's arena. */
    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafeTensors[" + path + ", " + tensors.size() + " tensors]";
    }

    // ---------------------------------------------------------------- header validation

    private static Map<String, Info> parseHeader(Path path, ByteBuffer bytes, long dataSize, Map<String, String> metadata) {
        if (bytes.limit() == 0 || bytes.get(0) != '{') {
            throw bad(path, "header does not start with '{'; the file is corrupt or not safetensors");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(path, "header is not valid UTF-8");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": header is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Info> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                parseMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataSize));
            }
        }
        checkTiling(path, tensors.values(), dataSize);
        return tensors;
    }

    private static void parseMetadata(Path path, Object value, Map<String, String> out) {
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(path, METADATA + " is not a JSON object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw bad(path, METADATA + " entry '" + e.getKey() + "' is not a string");
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static Info parseEntry(Path path, String name, Object value, long dataSize) {
        String where = path + ": tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + "entry is not a JSON object");
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new IllegalArgumentException(where + "missing or non-string \"dtype\"");
        }
        DType dtype = DType.parse(dtypeName);
        if (dtype == null) {
            throw new IllegalArgumentException(where + "unknown dtype '" + dtypeName + "' (known: "
                    + Arrays.toString(DType.values()) + ")");
        }
        if (!(m.get("shape") instanceof List<?> dims)) {
            throw new IllegalArgumentException(where + "missing or non-array \"shape\"");
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + "shape " + dims + " has dimension " + dims.get(i)
                        + ", not an integer in [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) (long) d;
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end) || begin < 0 || end < 0) {
            throw new IllegalArgumentException(where + "\"data_offsets\" must be two non-negative integers [begin, end], found "
                    + m.get("data_offsets"));
        }
        if (begin > end) {
            throw new IllegalArgumentException(where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataSize) {
            throw new IllegalArgumentException(where + "data_offsets [" + begin + ", " + end
                    + "] lie outside the data area of " + dataSize + " bytes (truncated file?)");
        }
        long bytes = dtype.byteSize();
        try {
            for (int d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
        } catch (ArithmeticException ex) {
            throw new IllegalArgumentException(where + "shape " + Arrays.toString(shape) + " is too large");
        }
        if (bytes != end - begin) {
            throw new IllegalArgumentException(where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Info(name, dtype, shape, begin, end);
    }

    /** The spans, sorted by offset, must cover the data area exactly once: the format forbids holes and overlaps. */
    private static void checkTiling(Path path, Iterable<Info> infos, long dataSize) {
        List<Info> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long covered = 0;
        Info previous = null;
        for (Info t : sorted) {
            if (t.begin < covered) {
                throw bad(path, "tensor '" + t.name + "' data_offsets [" + t.begin + ", " + t.end
                        + "] overlap tensor '" + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (t.begin > covered) {
                throw bad(path, "data area has a hole: bytes [" + covered + ", " + t.begin
                        + ") belong to no tensor (next is '" + t.name + "')");
            }
            covered = t.end;
            previous = t;
        }
        if (covered != dataSize) {
            throw bad(path, "data area has " + dataSize + " bytes but the tensors cover only the first " + covered);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("unexpected end of file at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private int arrayLength(Info t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor '" + t.name + "' in " + path + " has " + n
                    + " elements, too many for one Java array");
        }
        return (int) n;
    }

    private void requireDtype(Info t, String method, DType... accepted) {
        if (!Arrays.asList(accepted).contains(t.dtype)) {
            throw new IllegalArgumentException("tensor '" + t.name + "' in " + path + " is " + t.dtype + "; " + method
                    + "() reads " + Arrays.toString(accepted));
        }
    }

    private String abbreviatedNames() {
        int shown = 10;
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (String n : tensors.keySet()) {
            if (i == shown) {
                return sb.append(", … (").append(tensors.size()).append(" in all)").toString();
            }
            sb.append(i++ == 0 ? "" : ", ").append(n);
        }
        return i == 0 ? "no tensors" : sb.toString();
    }

    private static IllegalArgumentException bad(Path path, String what) {
        return new IllegalArgumentException(path + ": " + what);
    }
}
