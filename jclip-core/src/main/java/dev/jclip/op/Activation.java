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
        float[] src = x.data();
        float[] out = Workspace.floats(src.length);
        Parallel.forRows(src.length, 1, (from, to) -> VectorMath.gelu(kind, src, from, out, from, to - from));
        return Tensor.result(out, x.shape(), o -> {
            // A first gradient is written, not added to zeros.
            boolean first = x.grad() == null;
            float[] g = o.grad(), gx = first ? x.gradForOverwrite() : x.gradForAccumulation();
            Parallel.forRows(g.length, 1, (from, to) -> GeluGrad.backward(kind, src, g, gx, from, to - from, first));
        }, x);
    }
}
