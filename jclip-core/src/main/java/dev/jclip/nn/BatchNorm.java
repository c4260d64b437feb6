package dev.jclip.nn;

import dev.jclip.op.BatchNorm2d;
import dev.jclip.tensor.Tensor;

/**
 * {@code torch.nn.BatchNorm2d}: {@code weight}, {@code bias} and the buffers
 * {@code running_mean}, {@code running_var}. Training mode normalizes with the
 * batch statistics (biased variance) and moves the running ones by
 * {@link #MOMENTUM}; evaluation mode uses the running ones.
 */
public final class BatchNorm extends Module {
    /** PyTorch's default momentum. */
    static final float MOMENTUM = 0.1f;
    /** PyTorch's default epsilon, added to the variance. */
    public static final float EPS = 1e-5f;

    private final Tensor weight, bias, runningMean, runningVar;

    /** Batch normalization of {@code channels} channels (weight, bias and running statistics). */
    public BatchNorm(int channels) {
        weight = parameter("weight", channels);
        bias = parameter("bias", channels);
        runningMean = buffer("running_mean", channels);
        runningVar = buffer("running_var", channels);
    }

    /** {@code x} [N, C, H, W]. */
    public Tensor forward(Tensor x) {
        return BatchNorm2d.forward(x, weight, bias, runningMean.data(), runningVar.data(), isTraining(), MOMENTUM, EPS);
    }

    /** {@code max(0, forward(x))}, in one pass when inferring. */
    public Tensor forwardRelu(Tensor x) {
        return BatchNorm2d.forwardRelu(x, weight, bias, runningMean.data(), runningVar.data(), isTraining(), MOMENTUM, EPS);
    }
}
