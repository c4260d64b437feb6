package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** 16-bit float formats, and tensors kept in them. */
class HalfTypeTest {

    @Test
    void bfloat16RoundsToNearestWithTiesToEven() {
        assertEquals((short) 0x3F80, HalfType.BF16.narrow(1f));
        assertEquals((short) 0x3EAB, HalfType.BF16.narrow(1f / 3));                         // 0x3EAAAAAB rounds up
        assertEquals((short) 0x3F80, HalfType.BF16.narrow(Float.intBitsToFloat(0x3F808000)));  // a tie: to the even 0x3F80
        assertEquals((short) 0x3F82, HalfType.BF16.narrow(Float.intBitsToFloat(0x3F818000)));  // a tie: to the even 0x3F82
        assertEquals((short) 0xC049, HalfType.BF16.narrow(-3.14159f));
        assertEquals((short) 0x7F80, HalfType.BF16.narrow(Float.MAX_VALUE));                 // beyond bfloat16's largest: infinity
        assertTrue(Float.isNaN(HalfType.BF16.widen(HalfType.BF16.narrow(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(-3.140625f, HalfType.BF16.widen((short) 0xC049));
    }

    @Test
    void halfPrecisionRoundsAsIeee() {
        assertEquals((short) 0x3C00, HalfType.F16.narrow(1f));
        assertEquals((short) 0x3555, HalfType.F16.narrow(1f / 3));
        assertEquals((short) 0x7BFF, HalfType.F16.narrow(65504f));
        assertEquals((short) 0x7C00, HalfType.F16.narrow(65520f));                           // rounds past the largest
        assertEquals(0.333251953125f, HalfType.F16.widen((short) 0x3555));
        assertEquals(0f, HalfType.F16.widen(HalfType.F16.narrow(1e-9f)));   // below the subnormals
    }

    @Test
    void nonFiniteValuesAreRecognizedInEachFormat() {
        assertTrue(HalfType.F16.isNonFinite((short) 0x7C00));
        assertTrue(HalfType.F16.isNonFinite((short) 0xFE00));
        assertFalse(HalfType.F16.isNonFinite((short) 0x7BFF));
        assertTrue(HalfType.BF16.isNonFinite((short) 0xFF80));
        assertFalse(HalfType.BF16.isNonFinite((short) 0x7F7F));
    }

    @Test
    void aTensorKeptIn16BitsWidensWhenReadAsFloats() {
        short[] bits = {0x3C00, (short) 0xC000, 0x3555, 0x0000, 0x7BFF, (short) 0x8001};
        MemorySegment seg = MemorySegment.ofArray(bits);
        Tensor t = Tensor.mappedHalf(seg, HalfType.F16, 2, 3);
        assertTrue(t.isMapped());
        assertSame(HalfType.F16, t.halfType());
        Tensor view = t.reshape(3, 2);
        assertSame(seg, view.halfStorage(), "a reshape without grad shares the 16 bits");
        float[] want = {1f, -2f, 0.333251953125f, 0f, 65504f, -Float.float16ToFloat((short) 0x0001)};
        // A copy and single elements are widened without widening the tensor itself.
        assertArrayEquals(want, t.copy().data());
        assertEquals(0.333251953125f, t.get(0, 2));
        assertEquals(65504f, t.get(1, 1));
        assertSame(seg, t.halfStorage(), "still in 16 bits after copy and get");
        assertArrayEquals(want, t.data());
        assertNull(t.halfStorage(), "widened onto the heap once, then read from there");
        assertFalse(t.isMapped());
        assertArrayEquals(want, view.detach().data());
    }
}
