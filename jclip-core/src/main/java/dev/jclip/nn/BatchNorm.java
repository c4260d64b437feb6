package dev.jclip.nn;

import dev.jclip.kernel.Epilogue;
import dev.jclip.op.BatchNorm2d;
import dev.jclip.tensor.Tensor;

/**
 * {@code torch.nn.BatchNorm2d}: {@code weight}, {@code bias} and the buffers
 * {@code running_mean}, {@code running_var}. Training mode normalizes with the
 * batch statistics (biased variance) and moves the running ones by
 * {@link #MOMENTUM}; evaluation mode uses the running ones.
 */
public final class BatchNorm extends Module {
    /** PyTorch's defaults. */
    static final float MOMENTUM = 0.1f, EPS = 1e-5f;

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

    /**
     * The evaluation-mode map as a GEMM epilogue (per-column scale and shift, columns being channels)
     * for the convolution in front of it: {@link #forward} in evaluation, fused. Inference only.
     */
    public Epilogue folded() {
        float[][] st = BatchNorm2d.evalAffine(weight, bias, runningMean.data(), runningVar.data(), EPS);
        return Epilogue.affine(st[0], st[1]);
    }

    /** {@code max(0, forward(x))}, in one pass when inferring. */
    public Tensor forwardRelu(Tensor x) {
        return BatchNorm2d.forwardRelu(x, weight, bias, runningMean.data(), runningVar.data(), isTraining(), MOMENTUM, EPS);
    }
}
