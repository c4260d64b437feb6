package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Graph behaviour shared by all ops: no recording under noGrad, accumulation on reuse. */
class AutogradOpsTest {

    /** Every op of this package (ops2), applied to x [2, 3] and w [3]. */
    private static final List<Function<Tensor[], Tensor>> OPS = List.of(
            in -> LayerNorm.forward(in[0], in[1], in[1], 1e-5f),
            in -> Activation.gelu(in[0], Gelu.QUICK),
            in -> Activation.gelu(in[0], Gelu.ERF),
            in -> Activation.gelu(in[0], Gelu.TANH),
            in -> Softmax.forward(in[0], in[1]),
            in -> Reduce.mean(in[0], 0),
            in -> Reduce.sum(in[0]),
            in -> Embedding.forward(in[0], new int[] {1, 0}, 2),
            in -> Gather.rows(in[0], new int[] {1}),
            in -> Normalize.l2(in[0]),
            in -> CrossEntropy.forward(in[0], new int[] {2, 0}),
            in -> Views.permute(in[0], 1, 0),
            in -> Views.transpose(in[0], 0, 1),
            in -> Views.slice(in[0], 1, 0, 2),
            in -> Views.concat(0, in[0], in[0]),
            in -> Views.select(in[0], 0, 1));

    @Test
    void recordsOnlyWhenGradModeIsOnAndAnInputRequiresGrad() {
        Tensor x = GradCheck.randomParam(1, 2, 3), w = GradCheck.randomParam(2, 3);
        for (Function<Tensor[], Tensor> op : OPS) {
            assertTrue(op.apply(new Tensor[] {x, w}).requiresGrad());
            try (var off = GradMode.noGrad()) {
                assertFalse(op.apply(new Tensor[] {x, w}).requiresGrad());
            }
            assertFalse(op.apply(new Tensor[] {x.detach(), w.detach()}).requiresGrad());
        }
    }

    @Test
    void gradientsAccumulateWhenATensorIsUsedTwice() {
        // d/dx Σ x·x = 2x
        Tensor x = Tensor.parameter(new float[] {1, -2, 3}, 3);
        Reduce.sum(Elementwise.mul(x, x)).backward();
        assertArrayEquals(new float[] {2, -4, 6}, x.grad());

        // Σ concat(x, x) + Σ x[1:3]: ones twice, plus one more on the slice
        Tensor y = Tensor.parameter(new float[] {5, 6, 7}, 3);
        Tensor both = Elementwise.add(Reduce.sum(Views.concat(0, y, y)), Reduce.sum(Views.slice(y, 0, 1, 3)));
        both.backward();
        assertArrayEquals(new float[] {2, 3, 3}, y.grad());
    }

    @Test
    void onlyInputsThatRequireGradReceiveGradients() {
        Tensor x = GradCheck.randomParam(3, 2, 3);
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3), b = GradCheck.randomParam(4, 3);
        Reduce.sum(Elementwise.mul(LayerNorm.forward(x, w, b, 1e-5f), x)).backward();
        assertNull(w.grad());
        assertTrue(x.grad() != null && b.grad() != null);

        Tensor s = GradCheck.randomParam(5, 2, 3);
        Tensor mask = Tensor.of(new float[] {0, 1, 2}, 3);
        Reduce.sum(Elementwise.mul(Softmax.forward(s, mask), s)).backward();
        assertNull(mask.grad());

        Tensor p = GradCheck.randomParam(6, 2, 3), q = Tensor.zeros(1, 3);
        Reduce.sum(Elementwise.mul(Views.concat(0, p, q), Views.concat(0, p, q))).backward();
        assertNull(q.grad());
    }
}
