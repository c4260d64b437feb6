package dev.jclip.plan;

import dev.jclip.compute.Gelu;
import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.Gemm;
import dev.jclip.kernel.Operand;
import dev.jclip.op.Linear;
import dev.jclip.tensor.Tensor;

/**
 * The plan's linear layers, {@code y = act(x·Wᵀ + b) + residual}: the products {@link Linear}
 * makes, with the same epilogues (so the same bits), reading a weight kept in 16 bits
 * ({@link Tensor#halfStorage()}) as it is, widened while the product packs it, where
 * {@link Linear} would first widen all of it onto the heap; or a float32 weight packed once for
 * all products ({@link LinearWeight}).
 */
final class Projection {
    private Projection() {}

    /**
     * {@code act(x·Wᵀ + b) + residual} for {@code x} [..., in], {@code weight} [out, in]; {@code bias},
     * {@code act} and {@code residual} (of the output's shape) may be null.
     */
    static Tensor forward(Tensor x, Tensor weight, Tensor bias, Gelu act, Tensor residual) {
        return forward(x, weight, bias, act, residual, null);
    }

    /** {@link #forward} writing into an array from {@code buffers} (a new one when null). */
    static Tensor forward(Tensor x, Tensor weight, Tensor bias, Gelu act, Tensor residual, Buffers buffers) {
        return forward(x, Linear.stored(weight, 0, weight.dim(1)).t(), weight.dim(0), weight.dim(1), bias, act, residual,
                buffers);
    }

    /** {@link #forward} with a weight packed once for all products ({@link LinearWeight}). */
    static Tensor forward(Tensor x, LinearWeight weight, Tensor bias, Gelu act, Tensor residual, Buffers buffers) {
        return forward(x, weight.transposed(), weight.out(), weight.in(), bias, act, residual, buffers);
    }

    private static Tensor forward(Tensor x, Operand weightT, int out, int in, Tensor bias, Gelu act, Tensor residual,
                                  Buffers buffers) {
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input ending in " + x.dim(-1) + " for a weight of " + in + " columns");
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        int size = Tensor.checkedNumel(shape);
        float[] y = buffers == null ? new float[size] : buffers.take(size);
        Epilogue epilogue = (bias == null ? Epilogue.NONE : Epilogue.bias(bias.data())).withGelu(act);
        if (residual != null) {
            epilogue = epilogue.withResidual(residual.data(), 0, out);
        }
        Gemm.sgemm(y.length / Math.max(1, out), out, in, Operand.of(x.data(), 0, in), weightT, y, 0, out, false, epilogue);
        return Tensor.of(y, shape);
    }
}
