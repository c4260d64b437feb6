package dev.jclip.op;

import dev.jclip.kernel.Gemm;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/** Fully connected layer {@code y = x·Wᵀ + b}, as PyTorch's {@code F.linear}. */
public final class Linear {
    private Linear() {}

    /**
     * Applies a linear map to the last dimension.
     *
     * @param x      input {@code [..., in]}
     * @param weight {@code [out, in]} (PyTorch layout)
     * @param bias   {@code [out]}, or null for none
     * @return {@code [..., out]}
     */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must be [out, in], got " + Arrays.toString(weight.shape()));
        }
        int out = weight.dim(0), in = weight.dim(1);
        if (x.rank() < 1 || x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(x.shape())
                    + " does not end in " + in + " (weight " + Arrays.toString(weight.shape()) + ")");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException("linear: bias must be [" + out + "], got " + Arrays.toString(bias.shape()));
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        int rows = Tensor.checkedNumel(Arrays.copyOf(shape, shape.length - 1));
        float[] xd = x.data(), wd = weight.data();
        float[] y = new float[Tensor.checkedNumel(shape)];
        // y[rows×out] = x[rows×in] · Wᵀ, reading W in its stored [out, in] layout.
        Gemm.sgemm(false, true, rows, out, in, xd, 0, in, wd, 0, in, y, 0, out, false);
        if (bias != null) {
            float[] bd = bias.data();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    y[r * out + j] += bd[j];
                }
            }
        }
        return Tensor.result(y, shape, o -> {
            float[] g = o.grad();
            if (x.requiresGrad()) {
                // dx[rows×in] += g[rows×out] · W[out×in]
                Gemm.sgemm(false, false, rows, in, out, g, 0, out, wd, 0, in, x.gradForAccumulation(), 0, in, true);
            }
            if (weight.requiresGrad()) {
                // dW[out×in] += gᵀ · x
                Gemm.sgemm(true, false, out, in, rows, g, 0, out, xd, 0, in, weight.gradForAccumulation(), 0, in, true);
            }
            if (bias != null && bias.requiresGrad()) {
                float[] gb = bias.gradForAccumulation();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < out; j++) {
                        gb[j] += g[r * out + j];
                    }
                }
            }
        }, x, weight, bias);
    }
}
