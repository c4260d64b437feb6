package dev.jclip.tensor;

/**
 * The 16-bit float formats a weight may be kept in ({@link Tensor#mapHalf}): IEEE half precision
 * ({@code F16}: 5 exponent bits, 10 fraction bits) and bfloat16 ({@code BF16}: float32's 8 exponent
 * bits, 7 fraction bits). Both widen to float32 exactly.
 */
public enum HalfType {
    F16, BF16;

    /** The float32 value of {@code bits} in this format, exactly. */
    public float widen(short bits) {
        return this == F16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
    }

    /** {@code x} rounded to this format, to nearest with ties to even (as PyTorch's {@code .to(dtype)}). */
    public short narrow(float x) {
        if (this == F16) {
            return Float.floatToFloat16(x);
        }
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) (bits >>> 16 | 0x40);   // quiet, whatever fraction bits the rounding would drop
        }
        return (short) ((bits + 0x7FFF + (bits >>> 16 & 1)) >>> 16);
    }

    /** Whether {@code bits} is an infinity or a NaN in this format (all exponent bits set). */
    public boolean isNonFinite(short bits) {
        int exponent = this == F16 ? 0x7C00 : 0x7F80;
        return (bits & exponent) == exponent;
    }
}
