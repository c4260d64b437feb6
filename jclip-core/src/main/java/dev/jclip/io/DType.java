package dev.jclip.io;

/**
 * The element types a safetensors header may name, with their sizes in bytes.
 * All are known so that any valid file can be opened and checked; the reader
 * converts F32, F16, BF16, I32 and I64 to Java arrays.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The type spelled {@code name} in a header, or null when there is none. */
    static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
