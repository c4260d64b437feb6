package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.op.Elementwise;
import org.junit.jupiter.api.Test;

class GradPoolTest {

    /**
     * A pass where finished gradients are reused by later nodes (one size throughout) while one
     * is still held as an input's gradient (handed over by the add): d = ½·(3·2x + 2x), so
     * dL/dx = 4·upstream, exact for small integers. Reusing a held array, or a reused one not
     * zeroed, would change the values.
     */
    @Test
    void reusedGradientsGiveTheGradientsOfFreshOnes() {
        int n = 5000;
        float[] up = new float[n], want = new float[n];
        for (int i = 0; i < n; i++) {
            up[i] = i % 97 - 48;
            want[i] = 4 * up[i];
        }
        for (int pass = 0; pass < 2; pass++) {
            Tensor x = Tensor.parameter(new float[n], n);
            Tensor a = Elementwise.scale(x, 2);
            Tensor d = Elementwise.scale(Elementwise.add(Elementwise.scale(a, 3), a), 0.5f);
            d.backward(up);
            assertArrayEquals(want, x.grad(), "pass " + pass);
            assertNull(a.grad());
        }
    }

    @Test
    void overwriteIsOnlyForAFirstGradient() {
        Tensor t = Tensor.parameter(new float[3], 3);
        float[] g = t.gradForOverwrite();
        assertSame(g, t.grad());
        assertThrows(IllegalStateException.class, t::gradForOverwrite);
    }

    /** A pool holds a few arrays per size and hands out only what it was given. */
    @Test
    void takesBackWhatItWasGivenBySize() {
        GradPool pool = new GradPool();
        float[] a = new float[3], b = new float[4];
        pool.give(a);
        pool.give(b);
        assertNull(pool.take(5));
        assertSame(a, pool.take(3));
        assertNull(pool.take(3));
        assertSame(b, pool.take(4));
    }
}
