package dev.jclip.op;

import dev.jclip.compute.Gelu;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.kernel.Sums;
import dev.jclip.tensor.HalfType;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;
import java.lang.foreign.MemorySegment;
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
     * The matrix of {@code weight}'s elements from {@code offset}, rows {@code ld} apart, as it is
     * stored: in 16 bits when it is kept so (widened as a product packs it), else float32.
     */
    public static Operand stored(Tensor weight, int offset, int ld) {
        MemorySegment bits = weight.halfStorage();
        HalfType half = weight.halfType();
        return bits == null || half == null ? Operand.of(weight.storage(), offset, ld)
                : Operand.of(bits, offset, ld, half == HalfType.F16 ? Operand.Format.F16 : Operand.Format.BF16);
    }

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
        return forward(x, weight, bias, 0, outputShape(x, weight, bias), residual);
    }

    /**
     * Outputs {@code from..to} of {@link #forward(Tensor, Tensor, Tensor)}: {@code x·W[from:to]ᵀ +
     * b[from:to]} {@code [..., to − from]}, those rows of the weight read in place (the queries, or
     * the keys and values, of a packed projection), the same bits as those columns of the whole
     * product. Gradients go into those rows of W and b.
     */
    public static Tensor forwardRows(Tensor x, Tensor weight, Tensor bias, int from, int to) {
        int[] shape = outputShape(x, weight, bias);
        if (from < 0 || from >= to || to > weight.dim(0)) {
            throw new IllegalArgumentException("linear: rows [" + from + ", " + to + ") of a weight of " + weight.dim(0));
        }
        shape[shape.length - 1] = to - from;
        return forward(x, weight, bias, from, shape, null);
    }

    /**
     * {@code residual + x·W[from:from + n]ᵀ + b[from:from + n]} of the output {@code shape} [..., n]
     * (named forward too: the op profile names an op by the method that makes its result).
     */
    private static Tensor forward(Tensor x, Tensor weight, Tensor bias, int from, int[] shape, Tensor residual) {
        int n = shape[shape.length - 1], in = weight.dim(1), rows = rows(shape);
        Epilogue epilogue = epilogue(bias == null ? null
                : n == bias.dim(0) ? bias.data() : Arrays.copyOfRange(bias.data(), from, from + n), residual, shape);
        float[] y = output(shape, in);
        // y[rows×n] = x[rows×in] · W[from:from + n]ᵀ (+ b, + residual), reading W in its stored [out, in] layout.
        Gemm.sgemm(rows, n, in, Operand.of(x.data(), 0, in), Operand.of(weight.storage(), from * in, in).t(),
                y, 0, n, false, epilogue);
        return Tensor.result(y, shape, o -> {
            backward(o.grad(), x, weight, bias, rows, from, n);
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

    /**
     * {@code residual + GELU(h)·Wᵀ + b}: a transformer's MLP after its first layer, the GELU of the
     * given kind applied to {@code h} and kept only while the product reads it. Backward computes
     * it again from {@code h} instead of holding it from forward to backward (a quarter of a
     * block's activations), and gives the bits of {@link #forward} of {@link Activation#gelu}:
     * the same kernels on the same arrays' values. {@code residual} may be null.
     */
    public static Tensor forwardOfGelu(Tensor h, Gelu kind, Tensor weight, Tensor bias, Tensor residual) {
        int[] shape = outputShape(h, weight, bias);
        int out = weight.dim(0), in = weight.dim(1), rows = rows(shape);
        Epilogue epilogue = epilogue(bias == null ? null : bias.data(), residual, shape);
        float[] y = output(shape, in);
        try (var activation = Workspace.scope()) {
            float[] g = Activation.values(h, kind);
            Gemm.sgemm(rows, out, in, Operand.of(g, 0, in), Operand.of(weight.storage(), 0, in).t(), y, 0, out, false, epilogue);
        }
        return Tensor.result(y, shape, o -> {
            float[] dy = o.grad();
            // The gradients' arrays outlive the scope below, which gives back the GELU's and its gradient's.
            boolean first = h.grad() == null;
            float[] gh = !h.requiresGrad() ? null : first ? h.gradForOverwrite() : h.gradForAccumulation();
            float[] gw = weight.requiresGrad() ? weight.gradForAccumulation() : null;
            float[] gb = bias != null && bias.requiresGrad() ? bias.gradForAccumulation() : null;
            try (var activation = Workspace.scope()) {
                if (gw != null) {
                    // dW += dyᵀ · GELU(h)
                    Gemm.sgemm(out, in, rows, Operand.of(dy, 0, out).t(), Operand.of(Activation.values(h, kind), 0, in), gw, 0, in, true, null);
                }
                if (gb != null) {
                    Sums.columnSums(dy, rows, out, gb);
                }
                if (gh != null) {
                    // d GELU(h) = dy · W, then dh (+)= d GELU(h) · GELU'(h)
                    float[] dg = Workspace.floats(h.numel());
                    Gemm.sgemm(rows, in, out, Operand.of(dy, 0, out), Operand.of(weight.data(), 0, in), dg, 0, in, false, null);
                    Activation.backward(kind, h.data(), dg, gh, first);
                }
            }
            if (residual != null && residual.requiresGrad()) {
                residual.accumulateGrad(dy);   // the last use of the output's gradient: handed over
            }
        }, h, weight, bias, residual);
    }

    /**
     * The epilogue adding {@code bias} (null for none) and {@code residual} (null for none), which
     * must have the output's {@code shape}.
     */
    private static Epilogue epilogue(float[] bias, Tensor residual, int[] shape) {
        if (residual != null && !Arrays.equals(residual.shape(), shape)) {
            throw new IllegalArgumentException("linear: residual " + Arrays.toString(residual.shape())
                    + " must have the output's shape " + Arrays.toString(shape));
        }
        Epilogue epilogue = bias == null ? Epilogue.NONE : Epilogue.bias(bias);
        return residual == null ? epilogue : epilogue.withResidual(residual.data(), 0, shape[shape.length - 1]);
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

    /** Gradients of x, rows {@code from..from + n} of W and of b, from {@code g = dL/dy} [rows × n]. */
    private static void backward(float[] g, Tensor x, Tensor weight, Tensor bias, int rows, int from, int n) {
        int in = weight.dim(1);
        if (x.requiresGrad()) {
            // dx[rows×in] (+)= g[rows×n] · W[from:from + n]; a first gradient is written, not added to zeros
            boolean first = x.grad() == null;
            Gemm.sgemm(rows, in, n, Operand.of(g, 0, n), Operand.of(weight.data(), from * in, in),
                    first ? x.gradForOverwrite() : x.gradForAccumulation(), 0, in, !first, null);
        }
        if (weight.requiresGrad()) {
            // dW[from:from + n] += gᵀ · x
            Gemm.sgemm(n, in, rows, Operand.of(g, 0, n).t(), Operand.of(x.data(), 0, in),
                    weight.gradForAccumulation(), from * in, in, true, null);
        }
        if (bias != null && bias.requiresGrad()) {
            float[] gb = bias.gradForAccumulation();
            if (from == 0) {
                Sums.columnSums(g, rows, n, gb);
            } else {
                float[] sums = new float[n];
                Sums.columnSums(g, rows, n, sums);
                Sums.add(gb, from, sums, 0, n);
            }
        }
    }
}
