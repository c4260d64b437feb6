package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.compute.Gelu;
import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LinearTest {

    @Test
    void valuesByHand() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 1, 3);
        Tensor w = Tensor.of(new float[] {1, 0, -1, 2, 1, 0}, 2, 3);
        Tensor b = Tensor.of(new float[] {0.5f, -1}, 2);
        Tensor y = Linear.forward(x, w, b);
        assertArrayEquals(new int[] {2, 1, 2}, y.shape());
        // row 0: (1 − 3 + 0.5, 2 + 2 − 1); row 1: (4 − 6 + 0.5, 8 + 5 − 1)
        assertArrayEquals(new float[] {-1.5f, 3, -1.5f, 12}, y.data());
        assertArrayEquals(new float[] {-2, 4, -2, 13}, Linear.forward(x, w, null).data());
    }

    @Test
    void gradients() {
        Tensor x = GradCheck.randomParam(1, 2, 3, 4), w = GradCheck.randomParam(2, 5, 4), b = GradCheck.randomParam(3, 5);
        GradCheck.check(in -> Linear.forward(in[0], in[1], in[2]), 1e-2, 1e-3, x, w, b);
        GradCheck.check(in -> Linear.forward(in[0], in[1], null), 1e-2, 1e-3, x, w);
    }

    @Test
    void rowsOfTheWeightGiveThoseColumnsOfTheWholeProduct() {
        Tensor x = GradCheck.randomParam(4, 7, 9).detach(), w = GradCheck.randomParam(5, 12, 9).detach();
        Tensor b = GradCheck.randomParam(6, 12).detach();
        float[] whole = Linear.forward(x, w, b).data();
        for (int[] range : new int[][] {{0, 4}, {4, 12}, {3, 4}}) {
            int from = range[0], n = range[1] - from;
            Tensor part = Linear.forwardRows(x, w, b, from, range[1]);
            assertArrayEquals(new int[] {7, n}, part.shape());
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < n; c++) {
                    assertEquals(whole[r * 12 + from + c], part.data()[r * n + c], "row " + r + ", output " + (from + c));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Linear.forwardRows(x, w, b, 8, 13));
        assertThrows(IllegalArgumentException.class, () -> Linear.forwardRows(x, w, b, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> Linear.forwardRows(x, w, b, 3, 3));
    }

    @Test
    void rowsOfTheWeightGradients() {
        Tensor x = GradCheck.randomParam(7, 2, 3, 4), w = GradCheck.randomParam(8, 6, 4), b = GradCheck.randomParam(9, 6);
        GradCheck.check(in -> Linear.forwardRows(in[0], in[1], in[2], 2, 5), 1e-2, 1e-3, x, w, b);
        GradCheck.check(in -> Linear.forwardRows(in[0], in[1], in[2], 0, 3), 1e-2, 1e-3, x, w, b);
    }

    @ParameterizedTest
    @EnumSource(Gelu.class)
    void fusedResidualAndGeluGiveTheBitsOfSeparateOps(Gelu kind) {
        Tensor x = GradCheck.randomParam(5, 3, 7, 20).detach(), w = GradCheck.randomParam(6, 37, 20).detach();
        Tensor b = GradCheck.randomParam(7, 37).detach(), r = GradCheck.randomParam(8, 3, 7, 37).detach();
        Tensor y = Linear.forward(x, w, b);
        assertArrayEquals(Elementwise.add(r, y).data(), Linear.forward(x, w, b, r).data());
        assertArrayEquals(Activation.gelu(y, kind).data(), Linear.forwardGelu(x, w, b, kind).data());
        // With gradients the activation is separate: same values.
        Tensor wp = GradCheck.randomParam(6, 37, 20);
        assertArrayEquals(Activation.gelu(y, kind).data(), Linear.forwardGelu(x, wp, b, kind).data());
        Tensor xp = GradCheck.randomParam(1, 2, 3, 4), wg = GradCheck.randomParam(2, 5, 4), bp = GradCheck.randomParam(3, 5);
        GradCheck.check(in -> Linear.forwardGelu(in[0], in[1], in[2], kind), 1e-2, 1e-3, xp, wg, bp);
    }

    /**
     * The MLP's second layer recomputing its GELU in backward: the values and every gradient (of
     * the pre-activation's inputs, the weight, the bias, the residual) of the separate operations,
     * bit for bit, also when only some operands need gradients; and finite differences agree.
     */
    @ParameterizedTest
    @EnumSource(Gelu.class)
    void theGeluRecomputedInBackwardGivesTheBitsOfSeparateOps(Gelu kind) {
        for (boolean all : new boolean[] {true, false}) {
            Tensor[] a = mlpOperands(all), b = mlpOperands(all);
            Tensor hA = Linear.forward(a[0], a[1], a[2]), hB = Linear.forward(b[0], b[1], b[2]);
            Tensor want = Linear.forward(Activation.gelu(hA, kind), a[3], a[4], a[5]);
            Tensor got = Linear.forwardOfGelu(hB, kind, b[3], b[4], b[5]);
            assertArrayEquals(want.data(), got.data(), kind + ", all operands need gradients: " + all);
            // The pre-activation feeds a second term, so that its gradient is added to as well as written.
            Tensor up = GradCheck.randomParam(17, 3, 7, 11).detach();
            Elementwise.add(Reduce.sum(Elementwise.mul(want, up)), Reduce.sum(Elementwise.mul(hA, hA))).backward();
            Elementwise.add(Reduce.sum(Elementwise.mul(got, up)), Reduce.sum(Elementwise.mul(hB, hB))).backward();
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i].grad(), b[i].grad(), kind + ", operand " + i + ", all: " + all);
            }
            assertEquals(all, b[3].grad() != null);
        }
        GradCheck.check(in -> Linear.forwardOfGelu(in[0], kind, in[1], in[2], in[3]), 1e-2, 2e-3, GradCheck.randomParam(1, 2, 3, 6),
                GradCheck.randomParam(2, 5, 6), GradCheck.randomParam(3, 5), GradCheck.randomParam(4, 2, 3, 5));
        GradCheck.check(in -> Linear.forwardOfGelu(in[0], kind, in[1], null, null), 1e-2, 2e-3, GradCheck.randomParam(1, 2, 3, 6),
                GradCheck.randomParam(2, 5, 6));
    }

    /**
     * x [3, 7, 9], the first layer's weight and bias to 20, the second's to 11, and a residual;
     * the second layer's weight frozen unless {@code all}.
     */
    private static Tensor[] mlpOperands(boolean all) {
        Tensor w2 = GradCheck.randomParam(13, 11, 20);
        return new Tensor[] {GradCheck.randomParam(10, 3, 7, 9), GradCheck.randomParam(11, 20, 9), GradCheck.randomParam(12, 20),
            all ? w2 : w2.detach(), GradCheck.randomParam(14, 11), GradCheck.randomParam(15, 3, 7, 11)};
    }

    @Test
    void residualByHandAndItsGradient() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2), w = Tensor.of(new float[] {1, 1, 2, -1}, 2, 2);
        assertArrayEquals(new float[] {13, 20}, Linear.forward(x, w, Tensor.of(new float[] {0, 20}, 2),
                Tensor.of(new float[] {10, 0}, 1, 2)).data());
        Tensor xp = GradCheck.randomParam(1, 2, 3, 4), wp = GradCheck.randomParam(2, 5, 4), bp = GradCheck.randomParam(3, 5);
        GradCheck.check(in -> Linear.forward(in[0], in[1], in[2], in[3]), 1e-2, 1e-3, xp, wp, bp, GradCheck.randomParam(4, 2, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> Linear.forward(x, w, null, Tensor.zeros(2, 2)));
    }

    @Test
    void onlyInputsThatRequireGradReceiveOne() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2), w = GradCheck.randomParam(4, 3, 2), b = Tensor.zeros(3);
        Tensor y = Linear.forward(x, w, b);
        y.backward(new float[] {1, 0, 0});
        assertArrayEquals(new float[] {1, 2, 0, 0, 0, 0}, w.grad());
        assertNull(x.grad());
        assertNull(b.grad());
    }

    @Test
    void rejectsMismatchedShapes() {
        Tensor w = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> Linear.forward(Tensor.zeros(4, 2), w, null));
        assertThrows(IllegalArgumentException.class, () -> Linear.forward(Tensor.zeros(4, 3), w, Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> Linear.forward(Tensor.zeros(4, 3), Tensor.zeros(3), null));
    }
}
