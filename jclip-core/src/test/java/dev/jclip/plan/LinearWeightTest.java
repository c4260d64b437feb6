package dev.jclip.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.kernel.Operand;
import dev.jclip.kernel.PackedB;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LinearWeightTest {
    private static Tensor random(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] data = new float[Tensor.checkedNumel(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(data, shape);
    }

    @Test
    void theFirstProductPacksAFloat32WeightOnceWithTheBitsOfTheStoredOne() {
        Tensor w = random(1, 40, 24), b = random(2, 40), x = random(3, 3, 5, 24), residual = random(4, 3, 5, 40);
        AtomicLong budget = new AtomicLong(1 << 20);
        LinearWeight weight = new LinearWeight(w, budget);
        Tensor packed = Projection.forward(x, weight, b, null, residual, null);
        assertEquals((1 << 20) - PackedB.bytes(24, 40), budget.get(), "the first product, of 15 rows, packed it");
        Operand first = weight.transposed();
        assertNotNull(first.packed());
        assertArrayEquals(packed.data(), Projection.forward(x, weight, b, null, residual, null).data());
        assertSame(first, weight.transposed(), "once: every later product reads the packed weight");
        assertEquals((1 << 20) - PackedB.bytes(24, 40), budget.get());
        assertEquals(24, first.packed().k());
        assertEquals(40, first.packed().n());
        Tensor stored = Projection.forward(x, w, b, null, residual, null);
        assertArrayEquals(new int[] {3, 5, 40}, packed.shape());
        assertArrayEquals(stored.data(), packed.data());
        float want = residual.get(2, 4, 7) + b.get(7);
        for (int i = 0; i < 24; i++) {
            want += x.get(2, 4, i) * w.get(7, i);
        }
        assertEquals(want, packed.get(2, 4, 7), 1e-4f);
    }

    @Test
    void aWeightKeptIn16BitsIsReadAsStored() {
        Tensor w = Tensor.mappedHalf(MemorySegment.ofArray(new short[16 * 8]), HalfType.BF16, 16, 8);
        Operand operand = new LinearWeight(w).transposed();
        assertNull(operand.packed());
        assertSame(w.halfStorage(), operand.segment());
        assertEquals(Operand.Format.BF16, operand.format());
    }

    @Test
    void aWeightPastTheBudgetIsReadAsStoredAndTakesNothingFromIt() {
        Tensor w = random(6, 40, 24);
        long bytes = PackedB.bytes(24, 40);
        assertTrue(bytes >= 24 * 40 * Float.BYTES && bytes % (24 * Float.BYTES) == 0, "whole columns of 24 floats: " + bytes);
        AtomicLong small = new AtomicLong(bytes - 1);
        assertNull(new LinearWeight(w, small).transposed().packed(), "past the budget, the weight is read as stored");
        assertEquals(bytes - 1, small.get(), "and the budget is left as it was");
        AtomicLong enough = new AtomicLong(bytes + 5);
        assertNotNull(new LinearWeight(w, enough).transposed().packed());
        assertEquals(5, enough.get(), "packing takes its bytes from the budget");
    }
}
