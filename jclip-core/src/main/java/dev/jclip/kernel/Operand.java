package dev.jclip.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One operand of a {@link Gemm} product: a row-major matrix starting at {@code offset} with row
 * stride {@code ld} (both in floats), held in an array or in a segment of little-endian floats (a
 * memory-mapped weight), used as stored or transposed; or a B operand packed once by
 * {@link Gemm#packB}. A segment B may instead hold 16-bit floats ({@link Format}), widened to
 * float32 exactly as the product packs them: a weight kept in half the memory. A transposed operand is stored as its transpose: an {@code m×k} op(A) with
 * {@code transposed} is stored {@code k×m}.
 *
 * @param array      the floats, or null for a segment or packed operand
 * @param segment    the floats of a segment operand, else null
 * @param packed     a packed B operand, else null
 * @param offset     index of the first element (0 for a packed operand)
 * @param ld         row stride as stored
 * @param transposed whether the product reads the transpose of the stored matrix
 * @param format     the element format of a segment operand ({@link Format#F32} for the others)
 */
public record Operand(float[] array, MemorySegment segment, PackedB packed, int offset, int ld, boolean transposed,
                      Format format) {

    /** How the elements of a segment operand are stored: little-endian, at any alignment. */
    public enum Format {
        /** float32. */
        F32,
        /** IEEE half precision (binary16). */
        F16,
        /** bfloat16: the upper half of a float32. */
        BF16
    }

    public Operand {
        if ((array != null ? 1 : 0) + (segment != null ? 1 : 0) + (packed != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("an operand is one array, one segment or one packed matrix");
        }
        if (packed != null && transposed) {
            throw new IllegalArgumentException("a packed operand is already laid out for the product: it is never transposed");
        }
        if (format != Format.F32 && segment == null) {
            throw new IllegalArgumentException("only a segment operand holds 16-bit floats");
        }
    }

    /** The matrix of {@code array} from {@code offset}, rows {@code ld} apart, as stored. */
    public static Operand of(float[] array, int offset, int ld) {
        return new Operand(Objects.requireNonNull(array, "operand array is null"), null, null, offset, ld, false, Format.F32);
    }

    /** The matrix of the floats of {@code segment} (a weight, mapped from its file or over a heap array), as stored. */
    public static Operand of(MemorySegment segment, int offset, int ld) {
        return of(segment, offset, ld, Format.F32);
    }

    /**
     * The matrix of the elements of {@code segment} in {@code format} (a weight kept in 16 bits),
     * as stored; {@code offset} and {@code ld} count elements.
     */
    public static Operand of(MemorySegment segment, int offset, int ld, Format format) {
        return new Operand(null, Objects.requireNonNull(segment, "operand segment is null"), null, offset, ld, false,
                Objects.requireNonNull(format, "operand format is null"));
    }

    /** A B operand packed by {@link Gemm#packB}. */
    public static Operand of(PackedB packed) {
        return new Operand(null, null, Objects.requireNonNull(packed, "packed operand is null"), 0, Math.max(1, packed.n()), false,
                Format.F32);
    }

    /** This operand, read transposed. */
    public Operand t() {
        return transposed(true);
    }

    /** This operand, read transposed if {@code transposed}. */
    public Operand transposed(boolean transposed) {
        return transposed == this.transposed ? this : new Operand(array, segment, packed, offset, ld, transposed, format);
    }
}
