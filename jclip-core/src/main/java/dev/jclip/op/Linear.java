package dev.jclip.op;

import dev.jclip.compute.Gelu;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Sums;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.util.Arrays;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}, as PyTorch's {@code F.linear}, with
 * variants for what a transformer block does next: a residual add
 * ({@code residual + x·Wᵀ + b}) and a GELU, both in the GEMM's epilogue. They save
 * passes over the activations and give the same bits as the separate operations.
 */
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
        return forward(x, weight, bias, null);
    }

    /**
     * {@code residual + x·Wᵀ + b}, the residual added as the product is written;
     * {@code residual} has the output's shape (null for none).
     */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, Tensor residual) {
        int[] shape = outputShape(x, weight, bias);
        if (residual != null && !Arrays.equals(residual.shape(), shape)) {
            throw new IllegalArgumentException("linear: residual " + Arrays.toString(residual.shape())
                    + " must have the output's shape " + Arrays.toString(shape));
        }
        int out = weight.dim(0), in = weight.dim(1), rows = rows(shape);
        float[] y = output(shape, in);
        Epilogue epilogue = bias == null ? Epilogue.NONE : Epilogue.bias(bias.data());
        if (residual != null) {
            epilogue = epilogue.withResidual(residual.data(), 0, out);
        }
        // y[rows×out] = x[rows×in] · Wᵀ (+ b, + residual), reading W in its stored [out, in] layout.
        Gemm.sgemm(rows, out, in, Operand.of(x.data(), 0, in), Operand.of(weight.storage(), 0, in).t(),
                y, 0, out, false, epilogue);
        return Tensor.result(y, shape, o -> {
            backward(o.grad(), x, weight, bias, rows);
            if (residual != null && residual.requiresGrad()) {
                residual.accumulateGrad(o.grad());   // the last use of the output's gradient: handed over
            }
        }, x, weight, bias, residual);
    }

    /**
     * {@code GELU(x·Wᵀ + b)} of the given kind. Without gradients the activation is applied in
     * the GEMM's epilogue, on each tile while it is in cache; with them the pre-activation is
     * kept for backward, so this is {@link Activation#gelu} of {@link #forward}. Both give the
     * same values.
     */
    public static Tensor forwardGelu(Tensor x, Tensor weight, Tensor bias, Gelu kind) {
        if (Tensor.needsGrad(x, weight, bias)) {
            return Activation.gelu(forward(x, weight, bias), kind);
        }
        int[] shape = outputShape(x, weight, bias);
        int out = weight.dim(0), in = weight.dim(1);
        float[] y = output(shape, in);
        Epilogue epilogue = (bias == null ? Epilogue.NONE : Epilogue.bias(bias.data())).withGelu(kind);
        Gemm.sgemm(rows(shape), out, in, Operand.of(x.data(), 0, in), Operand.of(weight.storage(), 0, in).t(),
                y, 0, out, false, epilogue);
        return Tensor.of(y, shape);
    }

    /** The output array: the GEMM writes every element, unless the product is over nothing ({@code in} 0). */
    private static float[] output(int[] shape, int in) {
        int n = Tensor.checkedNumel(shape);
        return in == 0 ? Workspace.zeros(n) : Workspace.floats(n);
    }

    /** Checks the operands and returns the output shape {@code [..., out]}. */
    private static int[] outputShape(Tensor x, Tensor weight, Tensor bias) {
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
        return shape;
    }

    /** Rows of a {@code [..., out]} shape: the product of all but the last dimension. */
    private static int rows(int[] shape) {
        return Tensor.checkedNumel(Arrays.copyOf(shape, shape.length - 1));
    }

    /** Gradients of x, W and b from {@code g = dL/dy} [rows × out]. */
    private static void backward(float[] g, Tensor x, Tensor weight, Tensor bias, int rows) {
        int out = weight.dim(0), in = weight.dim(1);
        if (x.requiresGrad()) {
            // dx[rows×in] (+)= g[rows×out] · W[out×in]; a first gradient is written, not added to zeros
            boolean first = x.grad() == null;
            Gemm.sgemm(rows, in, out, Operand.of(g, 0, out), Operand.of(weight.data(), 0, in),
                    first ? x.gradForOverwrite() : x.gradForAccumulation(), 0, in, !first, null);
        }
        if (weight.requiresGrad()) {
            // dW[out×in] += gᵀ · x
            Gemm.sgemm(out, in, rows, Operand.of(g, 0, out).t(), Operand.of(x.data(), 0, in),
                    weight.gradForAccumulation(), 0, in, true, null);
        }
        if (bias != null && bias.requiresGrad()) {
            Sums.columnSums(g, rows, out, bias.gradForAccumulation());
        }
    }
}
