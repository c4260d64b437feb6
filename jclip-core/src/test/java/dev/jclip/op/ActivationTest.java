package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jclip.compute.Gelu;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActivationTest {

    @Test
    void quickGeluMatchesPyTorch() {
        // g = torch.tensor([-3., -1., 0., 0.5, 2., 20., -20.]); g * torch.sigmoid(1.702 * g)
        Tensor x = Tensor.of(new float[] {-3, -1, 0, 0.5f, 2, 20, -20}, 7);
        float[] expected = {-0.018071311f, -0.15420423f, 0f, 0.35038844f, 1.9356586f, 20f, -3.2934071e-14f};
        float[] y = Activation.gelu(x, Gelu.QUICK).data();
        assertArrayEquals(expected, y, 1e-6f);
        assertArrayEquals(new float[] {-3.2934071e-14f}, new float[] {y[6]}, 1e-19f);
    }

    @ParameterizedTest
    @EnumSource(Gelu.class)
    void geluGradient(Gelu kind) {
        GradCheck.check(in -> Activation.gelu(in[0], kind), 1e-3, 1e-3, GradCheck.randomParam(4, 3, 5));
        // Wider inputs, into the tails.
        Tensor wide = Tensor.parameter(Tensor.randn(new SplittableRandom(5), 4f, 64).data(), 64);
        GradCheck.check(in -> Activation.gelu(in[0], kind), 1e-3, 1e-3, wide);
    }
}
