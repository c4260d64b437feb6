package dev.jclip.tensor;

import dev.jclip.compute.Parallel;
import dev.jclip.kernel.Sums;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>A tensor's elements live in a heap array, or, for weights loaded for inference,
 * in a read-only file mapping ({@link #map}): kernels that read weights take
 * {@link #storage()}, which is the mapping itself, so a model's matrices stay in the
 * file (a product may still copy a weight transiently while packing it). {@link #data()}
 * on a mapped tensor copies the elements onto the heap once (vectors such as biases and
 * positional embeddings take that path) and from then on the copy is the storage.
 * A {@link #lazyParameter} allocates its array on first use. A weight may instead be kept in 16
 * bits ({@link #mapHalf}): kernels that can read it so take {@link #halfStorage()}; {@link #data()}
 * and {@link #storage()} widen it onto the heap once, as for a mapping.
 */
public final class Tensor {
    /** Layout of one element in a {@link #storage()} segment: float32, little-endian, any alignment. */
    public static final ValueLayout.OfFloat ELEMENT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Layout of one element of a {@link #halfStorage()} segment: 16 bits, little-endian, any alignment. */
    public static final ValueLayout.OfShort HALF_ELEMENT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int[] shape;
    private final int numel;
    /** The heap storage; null while the tensor is mapped or not yet allocated (then it reads as zeros). */
    private volatile float[] data;
    /** The read-only file bytes of a mapped tensor, or null. */
    private volatile MemorySegment mapped;
    /** The 16-bit elements of a tensor kept in half precision ({@link #mapHalf}), or null. */
    private volatile Half half;
    private final boolean requiresGrad;
    /** The recorded operation; both null for a leaf, and once a backward pass has run through it (freed). */
    private Backward backward;
    private Tensor[] inputs;
    /** True once a backward pass has run through this result and dropped what it saved. */
    private boolean freed;
    private float[] grad;
    /** The operation that made this tensor, while {@link OpProfile} records (its backward is filed under it). */
    private String op;

    private Tensor(float[] data, int[] shape, boolean requiresGrad, Backward backward, Tensor[] inputs) {
        long n = numel(shape);
        if (data != null && n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, storage has " + data.length);
        }
        this.shape = shape;
        this.numel = checkedNumel(shape);
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.backward = backward;
        this.inputs = inputs;
    }

    // ---------------------------------------------------------------- factories

    /** A constant tensor over {@code data} (not copied). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(Objects.requireNonNull(data, "data"), shape.clone(), false, null, null);
    }

    /** A trainable leaf over {@code data} (not copied): {@link #backward()} fills its grad. */
    public static Tensor parameter(float[] data, int... shape) {
        return new Tensor(Objects.requireNonNull(data, "data"), shape.clone(), true, null, null);
    }

    /** A constant tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return of(new float[checkedNumel(shape)], shape);
    }

    /**
     * A trainable leaf of zeros whose array is allocated on first {@link #data()}, so that a
     * model about to be {@link #map mapped} never holds a second copy of its weights.
     */
    public static Tensor lazyParameter(int... shape) {
        return new Tensor(null, shape.clone(), true, null, null);
    }

    /** A constant tensor reading its elements from {@code segment} ({@link #ELEMENT}s, not copied). */
    public static Tensor mapped(MemorySegment segment, int... shape) {
        Tensor t = new Tensor(null, shape.clone(), false, null, null);
        t.map(segment);
        return t;
    }

    /** A constant tensor reading its elements from {@code segment}, 16-bit values of {@code type} (not copied). */
    public static Tensor mappedHalf(MemorySegment segment, HalfType type, int... shape) {
        Tensor t = new Tensor(null, shape.clone(), false, null, null);
        t.mapHalf(segment, type);
        return t;
    }

    /** The segment and format of a tensor kept in 16 bits. */
    private record Half(MemorySegment segment, HalfType type) {}

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
        Objects.requireNonNull(data, "data");
        String op = OpProfile.isOn() ? OpProfile.forwardOfCaller() : null;
        if (needsGrad(inputs)) {
            Tensor t = new Tensor(data, shape, true, backward, inputs.clone());
            t.op = op;
            return t;
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
        return numel;
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

    /**
     * The flat row-major heap storage (not a copy). A mapped tensor is copied onto the heap
     * here, once, and stays there; a lazily allocated one gets its zeros.
     */
    public float[] data() {
        float[] d = data;
        return d != null ? d : materialize();
    }

    private synchronized float[] materialize() {
        if (freed && data == null) {
            throw new IllegalStateException("the elements of an intermediate result that a backward pass has run through"
                    + " inside a Workspace went back to it for reuse; read them before the backward pass");
        }
        if (data == null) {
            float[] d = new float[numel];
            MemorySegment m = mapped;
            Half h = half;
            if (m != null || h != null) {
                read(0, d, 0, numel);
            }
            data = d;
            mapped = null;
            half = null;
        }
        return data;
    }

    /**
     * Makes this tensor read its elements from {@code segment}, {@code numel()} {@link #ELEMENT}s
     * that must not change while it is in use (a read-only file mapping), dropping its heap
     * storage. The segment must stay alive as long as the tensor (an automatic arena).
     */
    public synchronized void map(MemorySegment segment) {
        if (segment.byteSize() != (long) numel * ELEMENT.byteSize()) {
            throw new IllegalArgumentException("mapping of " + segment.byteSize() + " bytes for a tensor of shape "
                    + Arrays.toString(shape) + " (" + numel + " float32 elements)");
        }
        if (backward != null || freed) {
            throw new IllegalStateException("only a leaf tensor can be mapped");
        }
        mapped = segment;
        half = null;
        data = null;
    }

    /**
     * Makes this tensor read its elements from {@code segment}, {@code numel()} little-endian 16-bit
     * values of {@code type} that must not change while it is in use (a file mapping, or a rounded
     * copy), dropping its heap storage: a weight kept in half the memory, which kernels that can
     * widen it read through {@link #halfStorage()}.
     */
    public synchronized void mapHalf(MemorySegment segment, HalfType type) {
        if (segment.byteSize() != (long) numel * HALF_ELEMENT.byteSize()) {
            throw new IllegalArgumentException("16-bit mapping of " + segment.byteSize() + " bytes for a tensor of shape "
                    + Arrays.toString(shape) + " (" + numel + " elements)");
        }
        if (backward != null) {
            throw new IllegalStateException("only a leaf tensor can be mapped");
        }
        half = new Half(segment, type);
        mapped = null;
        data = null;
    }

    /** True while the elements are read from a file mapping or kept in 16 bits (no heap copy has been made). */
    public boolean isMapped() {
        return mapped != null || half != null;
    }

    /** The 16-bit elements ({@link #HALF_ELEMENT}s) of a tensor kept in half precision, else null. */
    public MemorySegment halfStorage() {
        Half h = half;
        return h == null ? null : h.segment;
    }

    /** The format of {@link #halfStorage()}, or null when this tensor is not kept in 16 bits. */
    public HalfType halfType() {
        Half h = half;
        return h == null ? null : h.type;
    }

    /**
     * The elements as a segment of {@link #ELEMENT}s for kernels that read weights: the file
     * mapping of a mapped tensor, otherwise a heap segment over {@link #data()} (native order,
     * little-endian on the platforms the Vector API kernels target: x86-64 and AArch64).
     */
    public MemorySegment storage() {
        MemorySegment m = mapped;
        return m != null ? m : MemorySegment.ofArray(data());
    }

    /** Single element at a multi-index (slow; for tests and small reads). A 16-bit tensor stays in 16 bits. */
    public float get(int... index) {
        Half h = half;
        return h != null ? h.type.widen(h.segment.getAtIndex(HALF_ELEMENT, flatIndex(index)))
                : storage().getAtIndex(ELEMENT, flatIndex(index));
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
        if (numel != 1) {
            throw new IllegalStateException("item() of a tensor with " + numel + " elements");
        }
        return get(new int[shape.length]);
    }

    /** True when a backward pass computes this tensor's gradient. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient, or null when none has reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /**
     * The gradient array to add into, zeros on first use (during a backward pass, an array of the
     * pass that a finished result gave up, zeroed, when there is one). Used by {@link Backward}s.
     */
    public float[] gradForAccumulation() {
        if (grad == null) {
            float[] reused = released();
            if (reused != null) {
                Parallel.forRows(numel, 1, (from, to) -> Arrays.fill(reused, from, to, 0f));
            }
            grad = reused != null ? reused : Workspace.zeros(numel);
        }
        return grad;
    }

    /**
     * The first gradient's array, for a {@link Backward} that writes every element of it: its contents
     * are undefined (an array a finished result of the backward pass gave up, when there is one), so
     * unlike {@link #gradForAccumulation} it is not zeroed. Only while {@link #grad()} is null.
     */
    public float[] gradForOverwrite() {
        if (grad != null) {
            throw new IllegalStateException("a gradient has already reached this tensor: add into gradForAccumulation()");
        }
        float[] reused = released();
        grad = reused != null ? reused : Workspace.floats(numel);
        return grad;
    }

    /** An array of this tensor's size that the running backward pass's finished results gave up, or null. */
    private float[] released() {
        return PASS.isBound() ? PASS.get().take(numel) : null;
    }

    /**
     * Adds {@code g} (this tensor's size) into the gradient; when none has reached this tensor
     * yet, {@code g} itself becomes the gradient, without a copy. The caller gives {@code g} up:
     * a {@link Backward} passes on its output's gradient this way (the tape drops that one once
     * the backward has run), never an array that something else still holds.
     */
    public void accumulateGrad(float[] g) {
        if (g.length != numel) {
            throw new IllegalArgumentException("gradient of " + g.length + " elements for a tensor of " + numel);
        }
        if (grad == null) {
            grad = g;
        } else {
            Sums.add(grad, g);
        }
    }

    /** Drops the accumulated gradient (before the next step). */
    public void zeroGrad() {
        grad = null;
    }

    /** A constant tensor sharing this one's storage, cut from the graph. */
    public Tensor detach() {
        MemorySegment m = mapped;
        Half h = half;
        return m != null ? mapped(m, shape) : h != null ? mappedHalf(h.segment, h.type, shape) : of(data(), shape);
    }

    /** A constant deep copy on the heap, in float32; a 16-bit tensor stays in 16 bits (its {@link #data} would widen it for good). */
    public Tensor copy() {
        float[] d = new float[numel];
        read(0, d, 0, numel);
        return of(d, shape);
    }

    /**
     * Elements {@code [from, from + n)} (flat, row-major) as float32 into {@code dst[d, d + n)},
     * read from whatever holds them: the array, the file mapping, or the 16 bits, widened (the
     * tensor stays in 16 bits).
     */
    public void read(long from, float[] dst, int d, int n) {
        Half h = half;
        if (h != null) {
            for (int i = 0; i < n; i++) {
                dst[d + i] = h.type.widen(h.segment.getAtIndex(HALF_ELEMENT, from + i));
            }
        } else {
            MemorySegment.copy(storage(), ELEMENT, from * ELEMENT.byteSize(), dst, d, n);
        }
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
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (numel / known);
        }
        if (numel(s) != numel) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        MemorySegment m = mapped;
        Half h = half;
        if (m != null && !needsGrad(this)) {
            return mapped(m, s);
        }
        if (h != null && !needsGrad(this)) {
            return mappedHalf(h.segment, h.type, s);
        }
        return result(data(), s, out -> accumulateGrad(out.grad), this);
    }

    // ---------------------------------------------------------------- backward

    /**
     * Back-propagates from this scalar: sets its gradient to 1 and fills the grad
     * of every tensor that requires grad and reaches it. Gradients of
     * intermediate results are released as soon as they have been propagated, and so
     * is what each operation saved for its backward (its inputs, activations), so that
     * memory is freed as the pass goes: as in PyTorch, a second backward pass through
     * the same results is an error. Inside a {@link Workspace} the intermediate results'
     * arrays go back to it too (all but this tensor's), for the pass's gradients to reuse:
     * reading such a result after the pass is an error.
     */
    public void backward() {
        if (numel != 1) {
            throw new IllegalStateException("backward() needs a scalar; this has shape " + Arrays.toString(shape));
        }
        backward(new float[] {1f});
    }

    /** Back-propagates a given upstream gradient (same size as this tensor). */
    public void backward(float[] upstream) {
        if (upstream.length != numel) {
            throw new IllegalArgumentException("upstream gradient has " + upstream.length + " elements, tensor " + numel);
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require grad");
        }
        if (freed) {
            throw new IllegalStateException(FREED);
        }
        Sums.add(gradForAccumulation(), upstream);
        List<Tensor> order = topologicalOrder();
        GradPool pool = new GradPool();
        ScopedValue.where(PASS, pool).run(() -> {
            for (int i = 0; i < order.size(); i++) {
                Tensor t = order.get(i);
                order.set(i, null);   // the list must not keep a finished node's activations alive
                if (t.backward == null) {
                    continue;   // a leaf: nothing recorded, nothing to free
                }
                if (t.grad != null) {
                    if (t.op != null) {
                        long t0 = OpProfile.now();
                        t.backward.apply(t);
                        OpProfile.backward(t.op, OpProfile.now() - t0);
                    } else {
                        t.backward.apply(t);
                    }
                    t.releaseGrad(pool);
                }
                if (t != this) {
                    t.releaseData();
                }
                t.backward = null;
                t.inputs = null;
                t.freed = true;
            }
        });
    }

    /** The pool of gradient arrays of the backward pass running on this thread, if any. */
    private static final ScopedValue<GradPool> PASS = ScopedValue.newInstance();

    /**
     * Drops this intermediate result's gradient once its backward has run, giving the array to the
     * pass for reuse unless the backward handed it on as an input's gradient ({@link #accumulateGrad}).
     */
    private void releaseGrad(GradPool pool) {
        float[] g = grad;
        grad = null;
        for (Tensor in : inputs) {
            if (in != null && in.grad == g) {
                return;
            }
        }
        pool.give(g);
    }

    /**
     * Gives this intermediate result's array back to the running {@link Workspace} once its backward
     * has run: every operation that reads it (its consumers', its own backward) is done, unless an
     * input shares the array (a reshape), which a later node still reads.
     */
    private void releaseData() {
        float[] d = data;
        if (d == null) {
            return;
        }
        for (Tensor in : inputs) {
            if (in != null && in.data == d) {
                return;
            }
        }
        if (Workspace.release(d)) {
            data = null;
        }
    }

    private static final String FREED = "backward through results whose graph a backward pass has already freed;"
            + " compute them again for another pass";

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
                if (in != null && in.freed) {
                    throw new IllegalStateException(FREED);
                }
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
        MemorySegment elements = storage();
        for (int i = 0; i < Math.min(8, numel); i++) {
            sb.append(i == 0 ? "" : ", ").append(elements.getAtIndex(ELEMENT, i));
        }
        return sb.append(numel > 8 ? ", ...]" : "]").toString();
    }
}
