package dev.jclip.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.kernel.PackedB;
import dev.jclip.op.Conv2d;
import dev.jclip.op.WinogradConv2d;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConvWeightTest {
    private static final long BYTES = PackedB.bytes(5 * 3 * 3, 8);

    @Test
    void theFirstPassPacksTheWeightAndEveryLaterPassReadsThatPackingWithTheSameBits() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor w = Tensor.randn(rng, 0.2f, 8, 5, 3, 3), x = Tensor.randn(rng, 1f, 2, 6, 7, 5);
        AtomicLong budget = new AtomicLong(BYTES + 7);
        ConvWeight<PackedB> weight = ConvWeight.direct(w, budget);
        PackedB first = weight.packed(new Buffers());
        assertEquals(7, budget.get(), "the kept packing takes its bytes from the budget");
        assertSame(first, weight.packed(new Buffers()), "a later pass packs nothing");
        assertEquals(45, first.k());
        assertEquals(8, first.n());
        float[] kept = Conv2d.infer(x, false, w, first, 1, 1, null, null, float[]::new).data();
        float[] own = Conv2d.infer(x, false, w, null, 1, 1, null, null, float[]::new).data();
        assertArrayEquals(own, kept);
        float want = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 1; j < 3; j++) {
                for (int c = 0; c < 5; c++) {
                    want += x.get(1, 4 + i, j - 1, c) * w.get(3, c, i, j);
                }
            }
        }
        assertEquals(want, kept[((1 * 6 + 5) * 7) * 8 + 3], 1e-5f, "image 1, row 5, column 0, channel 3: a corner, four taps");
    }

    @Test
    void pastTheBudgetEachPassPacksTheWeightOnceForItselfAndTakesNothing() {
        Tensor w = Tensor.randn(new SplittableRandom(4), 0.2f, 8, 5, 3, 3);
        AtomicLong budget = new AtomicLong(BYTES - 1);
        ConvWeight<PackedB> weight = ConvWeight.direct(w, budget);
        Buffers pass = new Buffers();
        PackedB first = weight.packed(pass);
        assertSame(first, weight.packed(pass), "once per pass");
        assertNotSame(first, weight.packed(new Buffers()), "and again for the next");
        assertEquals(BYTES - 1, budget.get());
    }

    @Test
    void aWeightForWinogradsAlgorithmIsKeptTransformedWithinTheBudgetToo() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor w = Tensor.randn(rng, 0.2f, 8, 5, 3, 3), x = Tensor.randn(rng, 1f, 2, 6, 7, 5);
        long bytes = WinogradConv2d.Weight.bytes(8, 5);
        assertEquals(16 * PackedB.bytes(5, 8), bytes, "16 products' B of 5×8");
        AtomicLong budget = new AtomicLong(bytes);
        ConvWeight<WinogradConv2d.Weight> weight = ConvWeight.winograd(w, budget);
        WinogradConv2d.Weight first = weight.packed(new Buffers());
        assertEquals(0, budget.get());
        assertSame(first, weight.packed(new Buffers()));
        float[] kept = WinogradConv2d.infer(x, first, null, null, float[]::new).data();
        assertArrayEquals(WinogradConv2d.infer(x, WinogradConv2d.packWeight(w), null, null, float[]::new).data(), kept);
        AtomicLong short1 = new AtomicLong(bytes - 1);
        ConvWeight<WinogradConv2d.Weight> refused = ConvWeight.winograd(w, short1);
        Buffers pass = new Buffers();
        assertSame(refused.packed(pass), refused.packed(pass), "past the budget, once per pass");
        assertEquals(bytes - 1, short1.get());
    }

    @Test
    void aWeightIn16BitsIsPackedByEachPassFromItsBitsAndStaysIn16Bits() {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = Tensor.randn(rng, 1f, 2, 6, 7, 5);
        for (int size : new int[] {1, 3}) {
            Tensor w = Tensor.randn(rng, 0.2f, 8, 5, size, size);
            short[] half = new short[w.numel()];
            for (int i = 0; i < half.length; i++) {
                half[i] = HalfType.BF16.narrow(w.data()[i]);
            }
            MemorySegment bits = MemorySegment.ofArray(half);
            w.mapHalf(bits, HalfType.BF16);
            Tensor widened = w.copy();
            AtomicLong budget = new AtomicLong(1L << 20);
            ConvWeight<PackedB> direct = ConvWeight.direct(w, budget);
            Buffers pass = new Buffers();
            float[] got = Conv2d.infer(x, false, w, direct.packed(pass), 1, size / 2, null, null, float[]::new).data();
            assertArrayEquals(Conv2d.infer(x, false, widened, null, 1, size / 2, null, null, float[]::new).data(), got, size + "×" + size);
            assertEquals(1L << 20, budget.get(), "nothing kept");
            if (size == 3) {
                ConvWeight<WinogradConv2d.Weight> winograd = ConvWeight.winograd(w, budget);
                assertArrayEquals(WinogradConv2d.infer(x, WinogradConv2d.packWeight(widened), null, null, float[]::new).data(),
                        WinogradConv2d.infer(x, winograd.packed(pass), null, null, float[]::new).data());
            }
            assertSame(bits, w.halfStorage(), "still in 16 bits");
        }
    }

    @Test
    void onlyAFourDimensionalWeightIsTaken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvWeight.direct(Tensor.zeros(3, 4)));
        assertEquals("a convolution weight is [O, C, kh, kw], got [3, 4]", e.getMessage());
    }
}
