package dev.jclip.io;

import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects named F32, F16, BF16, I32 and I64 tensors and {@code __metadata__} strings, then
 * writes them as one safetensors file (see {@link SafeTensors} for the format).
 *
 * <p>As in the reference implementation, the data is laid out by element size
 * (largest first) and then by name, so every tensor is aligned to its element
 * size; the header is padded with spaces to a multiple of 8 bytes. The file is
 * written to a temporary file beside the target and renamed over it when
 * complete, so a crash never leaves a partial file under the target name.
 *
 * <pre>{@code
 * new SafeTensorsWriter().metadata("format", "pt").add("w", w, 2, 3).add("ids", ids, 4).write(path);
 * }</pre>
 * Arrays are not copied: they are read when {@link #write} runs.
 */
public final class SafeTensorsWriter {
    private record Entry(String name, DType dtype, int[] shape, long bytes, AtomicWriter.Body data) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** An empty file: no tensors, no metadata. */
    public SafeTensorsWriter() {}

    /** Sets one {@code __metadata__} string. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds an F32 tensor. */
    public SafeTensorsWriter add(String name, float[] data, int... shape) {
        return add(name, DType.F32, shape, data.length, out -> out.floats(data));
    }

    /** Adds an F16 or BF16 tensor (as {@code type} says) of 16-bit values. */
    public SafeTensorsWriter add(String name, short[] bits, HalfType type, int... shape) {
        return add(name, type == HalfType.F16 ? DType.F16 : DType.BF16, shape, bits.length, out -> {
            byte[] b = new byte[2 * bits.length];
            for (int i = 0; i < bits.length; i++) {
                b[2 * i] = (byte) bits[i];
                b[2 * i + 1] = (byte) (bits[i] >> 8);
            }
            out.bytes(b);
        });
    }

    /** Adds an I32 tensor. */
    public SafeTensorsWriter add(String name, int[] data, int... shape) {
        return add(name, DType.I32, shape, data.length, out -> out.ints(data));
    }

    /** Adds an I64 tensor. */
    public SafeTensorsWriter add(String name, long[] data, int... shape) {
        return add(name, DType.I64, shape, data.length, out -> out.longs(data));
    }

    /** Adds a tensor's values (F32) in its shape; a memory-mapped tensor is read in place, not copied. */
    public SafeTensorsWriter add(String name, Tensor t) {
        return add(name, DType.F32, t.shape(), t.numel(), out -> out.floats(t.storage()));
    }

    private SafeTensorsWriter add(String name, DType dtype, int[] shape, int length, AtomicWriter.Body data) {
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
        }
        if (Tensor.numel(shape) != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs "
                    + Tensor.numel(shape) + " elements, the array has " + length);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        entries.add(new Entry(name, dtype, shape.clone(), (long) length * dtype.byteSize(), data));
        return this;
    }

    /** Writes the file, replacing {@code path} only once the new file is complete. */
    public void write(Path path) throws IOException {
        List<Entry> layout = new ArrayList<>(entries);
        layout.sort(Comparator.comparingInt((Entry e) -> -e.dtype.byteSize()).thenComparing(Entry::name));
        byte[] header = header(layout);
        AtomicWriter.write(path, out -> {
            out.bytes(lengthField(header.length));
            out.bytes(header);
            for (Entry e : layout) {
                e.data.writeTo(out);
            }
        });
    }

    /** The JSON header in layout order, metadata first, padded with spaces to a multiple of 8 bytes. */
    private byte[] header(List<Entry> layout) {
        JsonWriter w = new JsonWriter().beginObject();
        if (!metadata.isEmpty()) {
            w.name("__metadata__").beginObject();
            metadata.forEach((k, v) -> w.name(k).value(v));
            w.endObject();
        }
        long offset = 0;
        for (Entry e : layout) {
            w.name(e.name).beginObject().name("dtype").value(e.dtype.name()).name("shape").beginArray();
            for (int d : e.shape) {
                w.value(d);
            }
            w.endArray().name("data_offsets").beginArray().value(offset).value(offset + e.bytes).endArray().endObject();
            offset += e.bytes;
        }
        byte[] json = w.endObject().toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > SafeTensors.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors header of " + padded + " bytes exceeds the "
                    + SafeTensors.MAX_HEADER_BYTES + "-byte limit readers enforce");
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static byte[] lengthField(long n) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        return b;
    }
}
