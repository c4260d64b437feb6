package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {

    @Test
    void matchesPyTorch() {
        // F.cross_entropy(torch.tensor([[1., 2., 0.5], [0., -1., 3.]]), torch.tensor([2, 0]))
        Tensor logits = Tensor.of(new float[] {1, 2, 0.5f, 0, -1, 3}, 2, 3);
        Tensor loss = CrossEntropy.forward(logits, new int[] {2, 0});
        assertEquals(0, loss.rank());
        assertEquals(2.5151262f, loss.item(), 1e-6f);
    }

    @Test
    void stableForLargeLogitsByHand() {
        // Two equal logits of 1000: softmax 1/2 each, loss ln 2; naive exp would overflow.
        Tensor logits = Tensor.parameter(new float[] {1000, 1000}, 1, 2);
        Tensor loss = CrossEntropy.forward(logits, new int[] {1});
        assertEquals((float) Math.log(2), loss.item(), 1e-6f);
        loss.backward();
        assertArrayEquals(new float[] {0.5f, -0.5f}, logits.grad(), 1e-6f);
    }

    @Test
    void gradient() {
        GradCheck.check(in -> CrossEntropy.forward(in[0], new int[] {2, 0, 4, 2}), 1e-2, 1e-3,
                GradCheck.randomParam(12, 4, 5));
    }

    @Test
    void rejectsBadTargets() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(logits, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("target 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(logits, new int[] {0}));
    }
}
