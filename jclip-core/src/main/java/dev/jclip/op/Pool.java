package dev.jclip.op;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Spatial pooling over {@code [N, C, H, W]}. */
public final class Pool {
    private Pool() {}

    /**
     * Average of each {@code kernel×kernel} window, windows {@code stride} apart, no
     * padding, partial windows dropped: PyTorch's {@code nn.AvgPool2d(kernel, stride)}.
     *
     * @return {@code [N, C, (H − kernel) / stride + 1, (W − kernel) / stride + 1]}
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("avg_pool2d: input must be [N, C, H, W], got " + Arrays.toString(x.shape()));
        }
        if (kernel < 1 || stride < 1 || kernel > x.dim(2) || kernel > x.dim(3)) {
            throw new IllegalArgumentException("avg_pool2d: kernel " + kernel + " and stride " + stride
                    + " must be >= 1 with the kernel inside input " + Arrays.toString(x.shape()));
        }
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        int ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        float area = kernel * kernel;
        float[] xd = x.data();
        int[] shape = {x.dim(0), x.dim(1), ho, wo};
        float[] y = new float[Tensor.checkedNumel(shape)];
        Parallel.forRows(planes, h * w, (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        float sum = 0;
                        for (int i = 0; i < kernel; i++) {
                            int row = (pl * h + oy * stride + i) * w + ox * stride;
                            for (int j = 0; j < kernel; j++) {
                                sum += xd[row + j];
                            }
                        }
                        y[(pl * ho + oy) * wo + ox] = sum / area;
                    }
                }
            }
        });
        return Tensor.result(y, shape, o -> {
            float[] g = o.grad(), gx = x.gradForAccumulation();
            for (int pl = 0; pl < planes; pl++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        float share = g[(pl * ho + oy) * wo + ox] / area;
                        for (int i = 0; i < kernel; i++) {
                            int row = (pl * h + oy * stride + i) * w + ox * stride;
                            for (int j = 0; j < kernel; j++) {
                                gx[row + j] += share;
                            }
                        }
                    }
                }
            }
        }, x);
    }

    /**
     * {@link #avgPool2d(Tensor, int, int)} for inference on channels-last activations: {@code x}
     * {@code [N, H, W, C]} to {@code [N, Ho, Wo, C]}, each window summed in the same order (so the
     * same values), into an array from {@code allocate} (for its size; all overwritten). No gradient.
     */
    public static Tensor avgPool2dChannelsLast(Tensor x, int kernel, int stride, IntFunction<float[]> allocate) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("avg_pool2d: input must be [N, H, W, C], got " + Arrays.toString(x.shape()));
        }
        if (kernel < 1 || stride < 1 || kernel > x.dim(1) || kernel > x.dim(2)) {
            throw new IllegalArgumentException("avg_pool2d: kernel " + kernel + " and stride " + stride
                    + " must be >= 1 with the kernel inside input " + Arrays.toString(x.shape()));
        }
        if (Tensor.needsGrad(x)) {
            throw new IllegalStateException("avg_pool2d: the channels-last pool is for inference, without gradient");
        }
        int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        float area = kernel * kernel;
        float[] xd = x.data();
        int[] shape = {x.dim(0), ho, wo, c};
        float[] y = allocate.apply(Tensor.checkedNumel(shape));
        // One output row of pixels at a time; the channels are the inner, contiguous loop.
        Parallel.forRows(x.dim(0) * ho, wo * c * kernel * kernel, (from, to) -> {
            float[] sum = new float[c];
            for (int row = from; row < to; row++) {
                int img = row / ho, oy = row % ho;
                for (int ox = 0; ox < wo; ox++) {
                    Arrays.fill(sum, 0f);
                    for (int i = 0; i < kernel; i++) {
                        for (int j = 0; j < kernel; j++) {
                            int src = ((img * h + oy * stride + i) * w + ox * stride + j) * c;
                            for (int ch = 0; ch < c; ch++) {
                                sum[ch] += xd[src + ch];
                            }
                        }
                    }
                    int dst = (row * wo + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        y[dst + ch] = sum[ch] / area;
                    }
                }
            }
        });
        return Tensor.of(y, shape);
    }
}
