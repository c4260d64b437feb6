package dev.jclip.tensor;

import dev.jclip.compute.Parallel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Arrays for the results and gradients of training steps, reused from one step to the next.
 * A training step makes the same activations and gradients each time, most of them large;
 * allocated afresh, they are a gigabyte of garbage per step on a small model, which the
 * collector lets pile up (growing the heap to twice the live set or more) and the system has to
 * fault in and zero again. Inside {@link #run}, operations take their result and gradient
 * arrays from the workspace ({@link #floats}, {@link #zeros}), and when a {@link #scope()}
 * closes (or {@code run} returns) every array handed out inside it goes back for the next
 * tensors of the same size to take.
 *
 * <p>The arrays of tensors made inside a scope are reused once it closes: such tensors (and
 * their gradients) must not be read after it, as a trainer reads only the loss and the
 * parameters' gradients of a step, before its end. Outside {@link #run} (inference, tests,
 * user code) {@link #floats} and {@link #zeros} are plain new arrays.
 *
 * <p>The workspace holds no more memory than the most its scopes ever had in use at once:
 * when an array of a size it has no free one of would take it over that, it first gives up free
 * arrays of the sizes least recently used (to the garbage collector), so that steps whose shapes
 * vary (texts of different lengths) do not accumulate arrays of every size. Used by the thread
 * that runs it.
 */
public final class Workspace {
    private static final ScopedValue<Workspace> CURRENT = ScopedValue.newInstance();

    /** Free arrays by length, the length least recently taken or given back first. */
    private final Map<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(16, 0.75f, true);
    /** Arrays handed out and not yet given back, in the order they were; a scope gives back a suffix. */
    private final List<float[]> inUse = new ArrayList<>();
    /** Elements in all the arrays the workspace holds (free or in use), and the most it ever held. */
    private long held, limit;

    /** The workspace running on this thread, or null. */
    private static Workspace current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** Runs {@code body} with this workspace serving the operations on this thread; gives back all it handed out. */
    public <T> T run(Supplier<T> body) {
        return ScopedValue.where(CURRENT, this).call(() -> {
            try (Scope s = scope()) {
                return body.get();
            }
        });
    }

    /**
     * An array of {@code n} floats whose contents are undefined, for a caller that writes every
     * element: a free one of the running workspace, else a new one.
     */
    public static float[] floats(int n) {
        Workspace w = current();
        if (w == null) {
            return new float[n];
        }
        float[] a = w.reuse(n);
        return a != null ? a : w.allocate(n);
    }

    /** An array of {@code n} zeros: a free one of the running workspace, cleared, else a new one. */
    public static float[] zeros(int n) {
        Workspace w = current();
        if (w == null) {
            return new float[n];
        }
        float[] a = w.reuse(n);
        if (a == null) {
            return w.allocate(n);
        }
        Parallel.forRows(n, 1, (from, to) -> Arrays.fill(a, from, to, 0f));
        return a;
    }

    /** A free array of {@code n} elements, now in use, or null when there is none. */
    private float[] reuse(int n) {
        ArrayDeque<float[]> arrays = free.get(n);
        float[] a = arrays == null ? null : arrays.poll();
        if (a != null) {
            inUse.add(a);
        }
        return a;
    }

    /** A new array (zeros) of {@code n} elements, now in use, once free ones have made room for it. */
    private float[] allocate(int n) {
        makeRoom(n);
        float[] a = new float[n];
        held += n;
        limit = Math.max(limit, held);
        inUse.add(a);
        return a;
    }

    /** Gives up free arrays, least recently taken lengths first, until {@code n} more elements fit under the limit. */
    private void makeRoom(int n) {
        Iterator<ArrayDeque<float[]>> lengths = free.values().iterator();
        while (held + n > limit && lengths.hasNext()) {
            ArrayDeque<float[]> arrays = lengths.next();
            while (held + n > limit && !arrays.isEmpty()) {
                held -= arrays.poll().length;
            }
            if (arrays.isEmpty()) {
                lengths.remove();
            }
        }
    }

    /**
     * Opens a scope of the running workspace: the arrays handed out until it closes go back to
     * it then. Outside {@link #run} closing it does nothing.
     */
    public static Scope scope() {
        Workspace w = current();
        if (w == null) {
            return () -> {};
        }
        int mark = w.inUse.size();
        return () -> w.giveBack(mark);
    }

    private void giveBack(int mark) {
        for (int i = inUse.size() - 1; i >= mark; i--) {
            float[] a = inUse.remove(i);
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        }
    }

    /** Elements in the arrays this workspace holds, free or in use. */
    public long heldElements() {
        return held;
    }

    /** Gives the arrays handed out since it opened back to the workspace when closed (scopes nest). */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
