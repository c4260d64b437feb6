package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * Batch normalization over {@code [N, C, H, W]}, as PyTorch's {@code nn.BatchNorm2d}:
 * {@code y = (x − mean) / sqrt(var + eps) · weight + bias} per channel.
 *
 * <p>In training the statistics are the batch's own (biased variance) and the
 * gradient flows through them; the running statistics are updated in place with the
 * unbiased variance, as PyTorch does. In evaluation the running statistics are used
 * and the op is a per-channel affine map.
 */
public final class BatchNorm2d {
    private BatchNorm2d() {}

    /**
     * @param x           {@code [N, C, H, W]}
     * @param weight      {@code [C]} scale
     * @param bias        {@code [C]} shift
     * @param runningMean {@code [C]}, read in evaluation, updated in training
     * @param runningVar  {@code [C]}, read in evaluation, updated in training
     * @param training    use (and back-propagate through) batch statistics
     * @param momentum    weight of the batch statistics in the running update (PyTorch: 0.1)
     * @param eps         added to the variance (PyTorch: 1e-5)
     */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, float[] runningMean, float[] runningVar,
                                 boolean training, float momentum, float eps) {
        return forward(x, weight, bias, runningMean, runningVar, training, momentum, eps, false);
    }

    /**
     * {@code max(0, batch_norm(x))}. In evaluation without gradients this is one pass over
     * the activation instead of two; otherwise it is {@link Relu#forward} of {@link #forward}.
     * Both give the same values.
     */
    public static Tensor forwardRelu(Tensor x, Tensor weight, Tensor bias, float[] runningMean, float[] runningVar,
                                     boolean training, float momentum, float eps) {
        if (training || Tensor.needsGrad(x, weight, bias)) {
            return Relu.forward(forward(x, weight, bias, runningMean, runningVar, training, momentum, eps, false));
        }
        return forward(x, weight, bias, runningMean, runningVar, false, momentum, eps, true);
    }

    /** The batch norm, followed by ReLU when {@code relu} (evaluation without gradients only). */
    private static Tensor forward(Tensor x, Tensor weight, Tensor bias, float[] runningMean, float[] runningVar,
                                  boolean training, float momentum, float eps, boolean relu) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("batch_norm: input must be [N, C, H, W], got " + Arrays.toString(x.shape()));
        }
        int n = x.dim(0), channels = x.dim(1), plane = x.dim(2) * x.dim(3);
        checkChannels("weight", weight.shape(), channels);
        checkChannels("bias", bias.shape(), channels);
        checkChannels("running mean", new int[] {runningMean.length}, channels);
        checkChannels("running var", new int[] {runningVar.length}, channels);
        long count = (long) n * plane;
        if (training && count < 2) {
            throw new IllegalArgumentException("batch_norm: training needs more than one value per channel, input "
                    + Arrays.toString(x.shape()));
        }
        float[] xd = x.data(), wd = weight.data(), bd = bias.data();
        double[] mean = new double[channels];
        double[] invStd = new double[channels];
        // One task per group of channels: each channel's statistics are summed by one thread
        // in one order, and each writes only its own running statistics.
        Parallel.forRows(channels, n * plane, (from, to) -> {
            for (int c = from; c < to; c++) {
                double mu, var;
                if (training) {
                    // Two passes in double: the mean first, then the squared deviations from it.
                    double sum = 0;
                    for (int img = 0; img < n; img++) {
                        int base = (img * channels + c) * plane;
                        for (int i = 0; i < plane; i++) {
                            sum += xd[base + i];
                        }
                    }
                    mu = sum / count;
                    double sq = 0;
                    for (int img = 0; img < n; img++) {
                        int base = (img * channels + c) * plane;
                        for (int i = 0; i < plane; i++) {
                            double d = xd[base + i] - mu;
                            sq += d * d;
                        }
                    }
                    var = sq / count;
                    runningMean[c] = (float) ((1 - momentum) * runningMean[c] + momentum * mu);
                    runningVar[c] = (float) ((1 - momentum) * runningVar[c] + momentum * (sq / (count - 1)));
                } else {
                    mu = runningMean[c];
                    var = runningVar[c];
                }
                mean[c] = mu;
                invStd[c] = 1.0 / Math.sqrt(var + eps);
            }
        });
        float[] y = training ? new float[xd.length] : evaluate(xd, channels, plane, wd, bd, mean, invStd, relu);
        if (training) {
            Parallel.forRows(n * channels, plane, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    int c = pl % channels, base = pl * plane;
                    for (int i = 0; i < plane; i++) {
                        y[base + i] = (float) ((xd[base + i] - mean[c]) * invStd[c] * wd[c] + bd[c]);
                    }
                }
            });
        }
        return Tensor.result(y, x.shape(), o -> {
            float[] g = o.grad();
            float[] gx = x.requiresGrad() ? x.gradForAccumulation() : null;
            for (int c = 0; c < channels; c++) {
                // Per channel: Σg and Σg·x̂, with x̂ recomputed from x rather than stored.
                double sumG = 0, sumGxhat = 0;
                for (int img = 0; img < n; img++) {
                    int base = (img * channels + c) * plane;
                    for (int i = 0; i < plane; i++) {
                        double xhat = (xd[base + i] - mean[c]) * invStd[c];
                        sumG += g[base + i];
                        sumGxhat += g[base + i] * xhat;
                    }
                }
                if (weight.requiresGrad()) {
                    weight.gradForAccumulation()[c] += (float) sumGxhat;
                }
                if (bias.requiresGrad()) {
                    bias.gradForAccumulation()[c] += (float) sumG;
                }
                if (gx == null) {
                    continue;
                }
                double k = wd[c] * invStd[c];
                for (int img = 0; img < n; img++) {
                    int base = (img * channels + c) * plane;
                    for (int i = 0; i < plane; i++) {
                        if (training) {
                            // The batch mean and variance depend on x too:
                            // dx = w·invStd · (g − mean(g) − x̂·mean(g·x̂)).
                            double xhat = (xd[base + i] - mean[c]) * invStd[c];
                            gx[base + i] += (float) (k * (g[base + i] - sumG / count - xhat * sumGxhat / count));
                        } else {
                            gx[base + i] += (float) (k * g[base + i]);
                        }
                    }
                }
            }
        }, x, weight, bias);
    }

    /**
     * The evaluation map as one per-channel affine in float, {@code y = x·s + t} with
     * {@code s = weight·invStd} and {@code t = bias − mean·s} (a loop the JIT vectorizes),
     * then {@code max(0, y)} when {@code relu}.
     */
    private static float[] evaluate(float[] xd, int channels, int plane, float[] wd, float[] bd,
                                    double[] mean, double[] invStd, boolean relu) {
        float[][] st = affine(wd, bd, mean, invStd);
        float[] s = st[0], t = st[1];
        float[] y = new float[xd.length];
        Parallel.forRows(xd.length / Math.max(1, plane), plane, (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int c = pl % channels, base = pl * plane;
                float sc = s[c], sh = t[c];
                for (int i = 0; i < plane; i++) {
                    y[base + i] = xd[base + i] * sc + sh;
                }
                if (relu) {
                    for (int i = 0; i < plane; i++) {
                        y[base + i] = y[base + i] > 0 ? y[base + i] : 0f;   // as Relu: NaN and -0 give 0
                    }
                }
            }
        });
        return y;
    }

    /**
     * The evaluation map of {@link #forward} as a per-channel {@code y = x·scale + shift} (float
     * multiply, then add), for fusing into the convolution that produces {@code x}. Gives the same
     * {@code scale} and {@code shift}, so the same bits, as the unfused evaluation.
     *
     * @return {@code {scale, shift}}, each {@code [C]}
     */
    public static float[][] evalAffine(Tensor weight, Tensor bias, float[] runningMean, float[] runningVar, float eps) {
        int channels = runningMean.length;
        checkChannels("weight", weight.shape(), channels);
        checkChannels("bias", bias.shape(), channels);
        checkChannels("running var", new int[] {runningVar.length}, channels);
        double[] mean = new double[channels], invStd = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = runningMean[c];
            invStd[c] = 1.0 / Math.sqrt((double) runningVar[c] + eps);
        }
        return affine(weight.data(), bias.data(), mean, invStd);
    }

    /** {@code scale = weight·invStd}, {@code shift = bias − mean·weight·invStd}, rounded to float once each. */
    private static float[][] affine(float[] wd, float[] bd, double[] mean, double[] invStd) {
        float[] s = new float[wd.length], t = new float[wd.length];
        for (int c = 0; c < wd.length; c++) {
            s[c] = (float) (wd[c] * invStd[c]);
            t[c] = (float) (bd[c] - mean[c] * wd[c] * invStd[c]);
        }
        return new float[][] {s, t};
    }

    private static void checkChannels(String name, int[] shape, int channels) {
        if (shape.length != 1 || shape[0] != channels) {
            throw new IllegalArgumentException("batch_norm: " + name + " must be [" + channels + "], got " + Arrays.toString(shape));
        }
    }
}
