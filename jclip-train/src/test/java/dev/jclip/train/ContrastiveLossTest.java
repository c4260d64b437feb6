package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

    private static double lse(double a, double b) {
        return Math.log(Math.exp(a) + Math.exp(b));
    }

    @Test
    void meanOfBothDirectionsWithGradient() {
        float a = 2f, b = -1f, c = 0.5f, d = 3f;
        Tensor logits = Tensor.parameter(new float[] {a, b, c, d}, 2, 2);
        Tensor loss = ContrastiveLoss.symmetric(logits);
        double rows = ((lse(a, b) - a) + (lse(c, d) - d)) / 2;
        double cols = ((lse(a, c) - a) + (lse(b, d) - d)) / 2;
        assertEquals((rows + cols) / 2, loss.item(), 1e-6);

        loss.backward();
        // d/da: rows give (softmax_row0[0] - 1)/2, columns (softmax_col0[0] - 1)/2; both halved by the mean.
        double pa = Math.exp(a - lse(a, b)), qa = Math.exp(a - lse(a, c));
        assertEquals(((pa - 1) / 2 + (qa - 1) / 2) / 2, logits.grad()[0], 1e-6);
        double pb = Math.exp(b - lse(a, b)), qb = Math.exp(b - lse(b, d));
        assertEquals((pb / 2 + qb / 2) / 2, logits.grad()[1], 1e-6);
    }

    @Test
    void refusesNonSquareLogits() {
        assertThrows(IllegalArgumentException.class, () -> ContrastiveLoss.symmetric(Tensor.zeros(2, 3)));
    }
}
