package dev.jclip.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.kernel.PackedB;
import dev.jclip.op.Conv2d;
import dev.jclip.tensor.Tensor;
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
        ConvWeight weight = new ConvWeight(w, budget);
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
        ConvWeight weight = new ConvWeight(w, budget);
        Buffers pass = new Buffers();
        PackedB first = weight.packed(pass);
        assertSame(first, weight.packed(pass), "once per pass");
        assertNotSame(first, weight.packed(new Buffers()), "and again for the next");
        assertEquals(BYTES - 1, budget.get());
    }

    @Test
    void onlyAFourDimensionalWeightIsTaken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvWeight(Tensor.zeros(3, 4)));
        assertEquals("a convolution weight is [O, C, kh, kw], got [3, 4]", e.getMessage());
    }
}
