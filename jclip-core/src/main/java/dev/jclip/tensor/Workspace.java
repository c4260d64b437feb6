package dev.jclip.tensor;

import dev.jclip.compute.Parallel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * parameters' gradients of a step, before its end. A backward pass also gives each intermediate
 * result's array back as soon as it is done with that result (reading one afterwards is an
 * error), so that the gradients it computes later reuse the activations' memory. Outside
 * {@link #run} (inference, tests, user code) {@link #floats} and {@link #zeros} are plain new arrays.
 *
 * <p>After a run the workspace keeps only arrays of the sizes that run took, as many of each as
 * it had in use at once, so that steps whose shapes vary (texts of different lengths) do not
 * accumulate arrays of every size. Used by the thread that runs it.
 */
public final class Workspace {
    private static final ScopedValue<Workspace> CURRENT = ScopedValue.newInstance();

    /** Free arrays by length. */
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays handed out and not yet given back, in the order they were; a scope gives back a suffix. */
    private final List<float[]> inUse = new ArrayList<>();
    /** The lengths taken during the current run. */
    private final Set<Integer> taken = new HashSet<>();
    /** Elements in all the arrays the workspace holds, free or in use. */
    private long held;

    /** The workspace running on this thread, or null. */
    private static Workspace current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** Runs {@code body} with this workspace serving the operations on this thread; gives back all it handed out. */
    public <T> T run(Supplier<T> body) {
        try {
            return ScopedValue.where(CURRENT, this).call(() -> {
                try (Scope s = scope()) {
                    return body.get();
                }
            });
        } finally {
            dropUntaken();
        }
    }

    /** Gives up (to the garbage collector) the free arrays of the lengths the run did not take. */
    private void dropUntaken() {
        for (Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> it = free.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, ArrayDeque<float[]>> lengths = it.next();
            if (!taken.contains(lengths.getKey())) {
                held -= (long) lengths.getKey() * lengths.getValue().size();
                it.remove();
            }
        }
        taken.clear();
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
        taken.add(n);
        ArrayDeque<float[]> arrays = free.get(n);
        float[] a = arrays == null ? null : arrays.poll();
        if (a != null) {
            inUse.add(a);
        }
        return a;
    }

    /** A new array (zeros) of {@code n} elements, now in use. */
    private float[] allocate(int n) {
        float[] a = new float[n];
        held += n;
        inUse.add(a);
        return a;
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
            if (a != null) {
                free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            }
        }
    }

    /**
     * Gives {@code a} back to the running workspace before its scope closes, when the workspace
     * handed it out and nothing reads it any more (a result that a backward pass is done with);
     * false, and nothing changes, when no workspace runs or {@code a} is not one of its arrays in use.
     */
    static boolean release(float[] a) {
        Workspace w = current();
        if (w == null) {
            return false;
        }
        // A backward pass releases the latest results first, and those were handed out last.
        for (int i = w.inUse.size() - 1; i >= 0; i--) {
            if (w.inUse.get(i) == a) {
                // Left as a hole, so that the marks of open scopes still count the arrays handed out before them.
                w.inUse.set(i, null);
                w.free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
                return true;
            }
        }
        return false;
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
