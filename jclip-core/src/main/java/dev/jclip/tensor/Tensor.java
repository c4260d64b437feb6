package dev.jclip.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A dense float32 tensor in row-major contiguous storage, with reverse-mode
 * autograd. Operations live in {@code dev.jclip.op}; a tensor made by one of them
 * while {@link GradMode} is enabled and some input {@link #requiresGrad()} keeps a
 * {@link Backward} and its inputs, and {@link #backward()} on a scalar walks that
 * graph once in reverse topological order.
 *
 * <p>The storage array is exposed ({@link #data()}) because kernels work on flat
 * arrays; treat a tensor's data as immutable once another operation has read it.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;
    private final boolean requiresGrad;
    private final Backward backward;
    private final Tensor[] inputs;
    private float[] grad;

    private Tensor(float[] data, int[] shape, boolean requiresGrad, Backward backward, Tensor[] inputs) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, storage has " + data.length);
        }
        this.shape = shape;
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.backward = backward;
        this.inputs = inputs;
    }

    // ---------------------------------------------------------------- factories

    /** A constant tensor over {@code data} (not copied). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape.clone(), false, null, null);
    }

    /** A trainable leaf over {@code data} (not copied): {@link #backward()} fills its grad. */
    public static Tensor parameter(float[] data, int... shape) {
        return new Tensor(data, shape.clone(), true, null, null);
    }

    /** A constant tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return of(new float[checkedNumel(shape)], shape);
    }

    /** A constant scalar (shape {@code []}). */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /** A constant tensor of independent N(0, std²) samples drawn from {@code rng}. */
    public static Tensor randn(SplittableRandom rng, float std, int... shape) {
        float[] d = new float[checkedNumel(shape)];
        for (int i = 0; i < d.length; i += 2) {
            // Box-Muller: two normals per pair of uniforms, reproducible for a seed.
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            d[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < d.length) {
                d[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return of(d, shape);
    }

    /**
     * The result of an operation. Records {@code backward} and {@code inputs} only
     * when grad mode is on and some input requires grad; otherwise the result is a
     * constant and the closure (with whatever it captured) is dropped at once.
     */
    public static Tensor result(float[] data, int[] shape, Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            return new Tensor(data, shape, true, backward, inputs.clone());
        }
        return new Tensor(data, shape, false, null, null);
    }

    /** True when an operation on these inputs must record its backward. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- shape

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code d}; negative counts from the end. */
    public int dim(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return data.length;
    }

    /** Number of elements of a shape, as a long (no overflow). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= s;
        }
        return n;
    }

    /** Number of elements of a shape, refusing shapes too large for one Java array. */
    public static int checkedNumel(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    // ---------------------------------------------------------------- storage and grad

    /** The flat row-major storage (not a copy). */
    public float[] data() {
        return data;
    }

    /** Single element at a multi-index (slow; for tests and small reads). */
    public float get(int... index) {
        return data[flatIndex(index)];
    }

    /** Flat offset of a multi-index. */
    public int flatIndex(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index rank " + index.length + " for shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** Scalar value of a one-element tensor. */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() of a tensor with " + data.length + " elements");
        }
        return data[0];
    }

    /** True when a backward pass computes this tensor's gradient. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient, or null when none has reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /** The gradient array to add into, allocated as zeros on first use. Used by {@link Backward}s. */
    public float[] gradForAccumulation() {
        if (grad == null) {
            grad = new float[data.length];
        }
        return grad;
    }

    /** Drops the accumulated gradient (before the next step). */
    public void zeroGrad() {
        grad = null;
    }

    /** A constant tensor sharing this one's storage, cut from the graph. */
    public Tensor detach() {
        return of(data, shape);
    }

    /** A constant deep copy. */
    public Tensor copy() {
        return of(data.clone(), shape);
    }

    // ---------------------------------------------------------------- views

    /** Same storage, new shape; one dimension may be -1. Gradient flows through. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("more than one -1 in " + Arrays.toString(newShape));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || data.length % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (data.length / known);
        }
        if (numel(s) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return result(data, s, out -> addInto(gradForAccumulation(), out.grad), this);
    }

    private static void addInto(float[] dst, float[] src) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] += src[i];
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * Back-propagates from this scalar: sets its gradient to 1 and fills the grad
     * of every tensor that requires grad and reaches it. Gradients of
     * intermediate results are released as soon as they have been propagated.
     */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() needs a scalar; this has shape " + Arrays.toString(shape));
        }
        backward(new float[] {1f});
    }

    /** Back-propagates a given upstream gradient (same size as this tensor). */
    public void backward(float[] upstream) {
        if (upstream.length != data.length) {
            throw new IllegalArgumentException("upstream gradient has " + upstream.length + " elements, tensor " + data.length);
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require grad");
        }
        addInto(gradForAccumulation(), upstream);
        for (Tensor t : topologicalOrder()) {
            if (t.backward != null && t.grad != null) {
                t.backward.apply(t);
                t.grad = null; // intermediate gradient no longer needed
            }
        }
    }

    /** Nodes reachable from this one, outputs before inputs (iterative DFS: graphs are deep). */
    private List<Tensor> topologicalOrder() {
        List<Tensor> postOrder = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        seen.put(this, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            if (t.inputs != null && next < t.inputs.length) {
                frame[1] = next + 1;
                Tensor in = t.inputs[next];
                if (in != null && in.requiresGrad && in.backward != null && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                postOrder.add(t);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(" [");
        for (int i = 0; i < Math.min(8, data.length); i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return sb.append(data.length > 8 ? ", ...]" : "]").toString();
    }
}
