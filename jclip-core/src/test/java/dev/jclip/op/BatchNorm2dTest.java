package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BatchNorm2dTest {
    /*
     * Expected values from PyTorch 1.13 (float32):
     *
     *   def v(shape, s):
     *       n = math.prod(shape)
     *       return torch.tensor([((i * 37 + s * 11) % 23 - 11) / 8 for i in range(n)]).reshape(shape)
     *   x, w, b = v((2, 3, 2, 2), 6), v((3,), 7), v((3,), 8)
     *   rm, rv = torch.tensor([0.5, -0.25, 1.0]), torch.tensor([2.0, 0.5, 1.5])
     *   F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)    # TRAIN; rm, rv -> RUNNING_*
     *   F.batch_norm(x, rm, rv, w, b, training=False, momentum=0.1, eps=1e-5)   # EVAL (updated rm, rv)
     */
    private static final float[] TRAIN = {
        0.4709942f, 0.94709945f, 1.4232047f, 0.68259656f, -1.1243474f, 2.0735645f, 0.017763928f, -2.0380366f,
        -1.0932375f, -1.4252052f, -0.90881103f, -1.2407787f, 1.3174036f, 0.57679534f, 1.0529006f, 1.5290059f,
        0.47460848f, -1.581192f, 1.61672f, -0.43908066f, -1.6834023f, -1.1670082f, -1.4989759f, -0.9825816f};
    private static final float[] RUNNING_MEAN = {0.4375f, -0.22031249f, 0.921875f};
    private static final float[] RUNNING_VAR = {1.8897321f, 0.5147042f, 1.4320312f};
    private static final float[] EVAL = {
        0.8124562f, 1.119346f, 1.4262359f, 0.94885164f, -0.6610344f, 2.6929238f, 0.5368078f, -1.6193082f,
        -1.2859067f, -1.5209321f, -1.155337f, -1.3903624f, 1.3580381f, 0.8806539f, 1.1875437f, 1.4944336f,
        1.0159447f, -1.1401713f, 2.2137868f, 0.05767092f, -1.7037295f, -1.3381345f, -1.5731599f, -1.2075648f};

    private static Tensor pattern(int s, int... shape) {
        float[] d = new float[Tensor.checkedNumel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((i * 37 + s * 11) % 23 - 11) / 8f;
        }
        return Tensor.of(d, shape);
    }

    @Test
    void trainingStepThenEvaluationMatchPyTorch() {
        Tensor x = pattern(6, 2, 3, 2, 2), w = pattern(7, 3), b = pattern(8, 3);
        float[] mean = {0.5f, -0.25f, 1.0f}, var = {2.0f, 0.5f, 1.5f};
        assertArrayEquals(TRAIN, BatchNorm2d.forward(x, w, b, mean, var, true, 0.1f, 1e-5f).data(), 2e-6f);
        assertArrayEquals(RUNNING_MEAN, mean, 1e-7f);
        assertArrayEquals(RUNNING_VAR, var, 1e-6f);
        assertArrayEquals(EVAL, BatchNorm2d.forward(x, w, b, mean, var, false, 0.1f, 1e-5f).data(), 2e-6f);
        // Evaluation leaves the running statistics alone.
        assertArrayEquals(RUNNING_MEAN, mean, 1e-7f);
        assertArrayEquals(RUNNING_VAR, var, 1e-6f);
    }

    @Test
    void trainingNormalizesEachChannelByHand() {
        // Channel values 1, 3 (one per image): mean 2, biased variance 1, unbiased 2.
        Tensor x = Tensor.of(new float[] {1, 3}, 2, 1, 1, 1);
        float[] mean = {0}, var = {1};
        Tensor y = BatchNorm2d.forward(x, Tensor.of(new float[] {2}, 1), Tensor.of(new float[] {5}, 1),
                mean, var, true, 0.5f, 0f);
        assertArrayEquals(new float[] {3, 7}, y.data());
        assertArrayEquals(new float[] {1}, mean);
        assertArrayEquals(new float[] {1.5f}, var);
    }

    @Test
    void gradientsTraining() {
        Tensor x = GradCheck.randomParam(1, 2, 3, 2, 3), w = GradCheck.randomParam(2, 3), b = GradCheck.randomParam(3, 3);
        GradCheck.check(in -> BatchNorm2d.forward(in[0], in[1], in[2], new float[3], new float[] {1, 1, 1},
                true, 0.1f, 1e-5f), 1e-2, 1e-3, x, w, b);
    }

    @Test
    void gradientsEvaluation() {
        Tensor x = GradCheck.randomParam(4, 2, 3, 2, 3), w = GradCheck.randomParam(5, 3), b = GradCheck.randomParam(6, 3);
        float[] mean = {0.3f, -0.2f, 0.1f}, var = {0.5f, 2f, 1.2f};
        GradCheck.check(in -> BatchNorm2d.forward(in[0], in[1], in[2], mean, var, false, 0.1f, 1e-5f),
                1e-2, 1e-3, x, w, b);
    }

    @Test
    void fusedReluInEvaluationGivesTheBitsOfReluAfterBatchNorm() {
        Tensor x = GradCheck.randomParam(21, 2, 3, 4, 5).detach();
        Tensor w = GradCheck.randomParam(22, 3).detach(), b = GradCheck.randomParam(23, 3).detach();
        float[] mean = {0.1f, -0.2f, 0.3f}, var = {1.5f, 0.5f, 2f};
        float[] separate = Relu.forward(BatchNorm2d.forward(x, w, b, mean, var, false, 0.1f, 1e-5f)).data();
        float[] fused = BatchNorm2d.forwardRelu(x, w, b, mean, var, false, 0.1f, 1e-5f).data();
        assertArrayEquals(separate, fused);
        // With a gradient to record it is the two ops, and backward reaches the weight.
        Tensor wp = GradCheck.randomParam(22, 3);
        Tensor y = BatchNorm2d.forwardRelu(x, wp, b, mean, var, false, 0.1f, 1e-5f);
        assertArrayEquals(separate, y.data());
        GradCheck.check(in -> BatchNorm2d.forwardRelu(in[0], in[1], in[2], mean, var, false, 0.1f, 1e-5f),
                1e-2, 1e-3, GradCheck.randomParam(21, 2, 3, 4, 5), wp, GradCheck.randomParam(23, 3));
    }

    @Test
    void rejectsBadArguments() {
        Tensor w = Tensor.zeros(2), b = Tensor.zeros(2);
        float[] m = new float[2], v = new float[2];
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm2d.forward(Tensor.zeros(1, 2, 1, 1), w, b, m, v, true, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm2d.forward(Tensor.zeros(2, 3, 1, 1), w, b, m, v, false, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm2d.forward(Tensor.zeros(2, 2, 1, 1), w, b, new float[3], v, false, 0.1f, 1e-5f));
    }
}
