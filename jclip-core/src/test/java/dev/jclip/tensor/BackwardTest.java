package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Reduce;
import org.junit.jupiter.api.Test;

class BackwardTest {

    /** A backward pass frees what the graph saved: going through it again is an error, not a silent partial gradient. */
    @Test
    void aSecondPassThroughAFreedGraphIsRefused() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor y = Elementwise.scale(x, 3f);
        Tensor loss = Reduce.sum(y);
        loss.backward();
        assertArrayEquals(new float[] {3, 3}, x.grad());
        IllegalStateException again = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(again.getMessage().contains("already freed"), again.getMessage());
        // A new result over the freed one cannot reach x either.
        assertThrows(IllegalStateException.class, () -> Reduce.sum(Elementwise.scale(y, 2f)).backward());
        // A new graph from the leaf accumulates as usual.
        Reduce.sum(Elementwise.scale(x, 1f)).backward();
        assertArrayEquals(new float[] {4, 4}, x.grad());
    }

    /** Gradients handed from an output to its input are not shared: both inputs of x + x get the sum. */
    @Test
    void handedOverGradientsAreNotShared() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2), w = Tensor.parameter(new float[] {5, 7}, 2);
        Tensor y = Elementwise.add(x.reshape(2), x);
        Reduce.sum(Elementwise.mul(y, w)).backward();
        assertArrayEquals(new float[] {10, 14}, x.grad());
        Tensor a = Tensor.parameter(new float[] {1}, 1), b = Tensor.parameter(new float[] {2}, 1);
        Reduce.sum(Elementwise.add(a, b)).backward();
        a.grad()[0] = 100;
        assertArrayEquals(new float[] {1}, b.grad());
    }

    @Test
    void aLeafCanBeBackPropagatedAgain() {
        Tensor p = Tensor.parameter(new float[] {1}, 1);
        p.backward(new float[] {2});
        p.backward(new float[] {3});
        assertArrayEquals(new float[] {5}, p.grad());
        Reduce.sum(Elementwise.scale(p, 1f)).backward();
        assertArrayEquals(new float[] {6}, p.grad());
    }
}
