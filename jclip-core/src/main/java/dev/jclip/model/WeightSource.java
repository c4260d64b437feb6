package dev.jclip.model;

import dev.jclip.io.DType;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.HalfType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;

/**
 * One tensor of a weight file under its original-layout name: the name(s) it
 * has in the file (for error messages), its shape, how to read it into a float
 * array at an offset, and, when the file holds it as is, its bytes in the mapping
 * ({@code mapping}, else null) for use in place: float32, or 16-bit floats of type {@code half}
 * (else null).
 */
record WeightSource(String origin, int[] shape, Reader reader, MemorySegment mapping, HalfType half) {

    /** Copies the tensor's elements into {@code dst} from {@code offset}. */
    @FunctionalInterface
    interface Reader {
        void read(float[] dst, int offset);
    }

    WeightSource {
        shape = shape.clone();
    }

    /** A tensor that must be converted or rearranged: never used in place. */
    WeightSource(String origin, int[] shape, Reader reader) {
        this(origin, shape, reader, null, null);
    }

    /** The same elements (and bytes in place) under another shape of the same size, e.g. [1, N, D] as [N, D]. */
    WeightSource reshaped(int[] newShape) {
        if (Arrays.stream(newShape).asLongStream().reduce(1, (a, b) -> a * b)
                != Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b)) {
            throw new IllegalArgumentException(origin + ": cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        }
        return new WeightSource(origin, newShape, reader, mapping, half);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Adds {@code s} to a layout's mapping under {@code name}; two file tensors mapping to one name are an error naming both. */
    static void putOnce(Map<String, WeightSource> out, String name, WeightSource s) {
        WeightSource old = out.put(name, s);
        if (old != null) {
            throw new IllegalArgumentException("tensors " + old.origin() + " and " + s.origin() + " both map to " + name);
        }
    }

    /** A tensor of {@code file} read as is. */
    static WeightSource direct(SafeTensors file, String name) {
        checkFloat(file, name);
        DType type = file.info(name).dtype();
        MemorySegment mapping = type == DType.F32 ? file.f32Segment(name) : file.halfSegment(name);
        HalfType half = switch (type) {
            case F16 -> HalfType.F16;
            case BF16 -> HalfType.BF16;
            default -> null;
        };
        return new WeightSource(name, file.info(name).shape(), (dst, offset) -> read(file, name, dst, offset), mapping, half);
    }

    /** Refuses a tensor that is not F32, F16 or BF16, naming it. */
    static void checkFloat(SafeTensors file, String name) {
        DType t = file.info(name).dtype();
        if (t != DType.F32 && t != DType.F16 && t != DType.BF16) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has dtype " + t
                    + "; CLIP weights must be F32, F16 or BF16");
        }
    }

    /** Copies a float tensor of {@code file} into {@code dst} at {@code offset}; F32 straight from the mapping. */
    static void read(SafeTensors file, String name, float[] dst, int offset) {
        if (file.info(name).dtype() == DType.F32) {
            MemorySegment seg = file.f32Segment(name);
            MemorySegment.copy(seg, SafeTensors.F32_LE, 0, dst, offset, (int) (seg.byteSize() / 4));
        } else {
            float[] f = file.floats(name);
            System.arraycopy(f, 0, dst, offset, f.length);
        }
    }

    @Override
    public String toString() {
        return origin + Arrays.toString(shape);
    }
}
