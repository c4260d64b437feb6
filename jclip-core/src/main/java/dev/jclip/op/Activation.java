package dev.jclip.op;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import dev.jclip.kernel.GeluGrad;
import dev.jclip.kernel.VectorMath;
import dev.jclip.tensor.Tensor;
import dev.jclip.tensor.Workspace;

/** Smooth activations with autograd (ReLU lives in {@code Relu}). */
public final class Activation {
    private Activation() {}

    /**
     * GELU of the given kind, element-wise: {@link Gelu}'s forward kernel (the same bits as the GEMM
     * epilogue that fuses it into {@link Linear#forwardGelu}), and its derivative's vector kernel backward.
     */
    public static Tensor gelu(Tensor x, Gelu kind) {
        float[] src = x.data(), out = values(x, kind);
        return Tensor.result(out, x.shape(), o -> {
            // A first gradient is written, not added to zeros.
            boolean first = x.grad() == null;
            backward(kind, src, o.grad(), first ? x.gradForOverwrite() : x.gradForAccumulation(), first);
        }, x);
    }

    /** {@code GELU(x)} of the given kind in a new array of the running workspace, no graph. */
    static float[] values(Tensor x, Gelu kind) {
        float[] src = x.data(), out = Workspace.floats(src.length);
        Parallel.forRows(src.length, 1, (from, to) -> VectorMath.gelu(kind, src, from, out, from, to - from));
        return out;
    }

    /** {@code gx (+)= g · GELU'(x)}, written instead of added when {@code overwrite}. */
    static void backward(Gelu kind, float[] x, float[] g, float[] gx, boolean overwrite) {
        Parallel.forRows(g.length, 1, (from, to) -> GeluGrad.backward(kind, x, g, gx, from, to - from, overwrite));
    }
}
