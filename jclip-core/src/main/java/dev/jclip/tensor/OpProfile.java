package dev.jclip.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Time per operation kind, forward and backward, for finding where a training step
 * goes ({@code jclip bench train --profile}). Off by default, when it costs one flag test per
 * operation. The tape does the timing, so operations and modules carry no instrumentation:
 * an operation's forward time is the time since the previous operation's result on the thread
 * that drives the model (the kernels' own threads work inside it), and its kind is the method
 * that made the result ({@code Linear.forward}, {@code Elementwise.add}); its backward is timed
 * around its {@link Backward} and filed under the same kind. Work outside the operations (an
 * optimizer) is timed with {@link #time}.
 *
 * <p>Meant for one driving thread at a time: start, run steps, {@link #stop}.
 */
public final class OpProfile {
    private static volatile boolean on;
    private static final Map<String, long[]> TIMES = new LinkedHashMap<>();
    private static long last;
    private static LongSupplier clock = System::nanoTime;
    private static final StackWalker WALKER = StackWalker.getInstance();
    /** Frames of the tape itself, skipped when naming the operation that made a result. */
    private static final Set<String> TAPE = Set.of(OpProfile.class.getName(), Tensor.class.getName() + ".result");

    private OpProfile() {}

    /** Clears the times and starts recording wall-clock time. */
    public static void start() {
        start(System::nanoTime);
    }

    /**
     * Clears the times and starts recording with {@code nanos} as the clock: the wall clock, or
     * the CPU time of the whole process, which on a busy machine shows the work an operation
     * needs rather than how long it waited for a core.
     */
    public static synchronized void start(LongSupplier nanos) {
        TIMES.clear();
        clock = nanos;
        last = nanos.getAsLong();
        on = true;
    }

    /** Stops recording and returns the times recorded since {@link #start}. */
    public static synchronized Table stop() {
        on = false;
        List<Row> rows = new ArrayList<>();
        TIMES.forEach((kind, t) -> rows.add(new Row(kind, t[0], t[1], t[2], t[3])));
        return new Table(rows);
    }

    /** True while recording. */
    public static boolean isOn() {
        return on;
    }

    /**
     * Runs {@code body}, filing its time under {@code kind} as forward time when recording (work
     * that is not an operation: the optimizer, gradient clipping). The operations it runs, if
     * any, are timed as usual and their time is left out of {@code kind}'s.
     */
    public static <T> T time(String kind, Supplier<T> body) {
        if (!on) {
            return body.get();
        }
        mark();
        T result = body.get();
        forward(kind);
        return result;
    }

    /** Restarts the forward clock: what ran since the last result is not charged to the next operation. */
    public static void mark() {
        if (on) {
            synchronized (OpProfile.class) {
                last = clock.getAsLong();
            }
        }
    }

    /** Files the time since the last result under the operation calling {@code Tensor.result}; returns its kind. */
    static String forwardOfCaller() {
        String kind = WALKER.walk(frames -> frames
                .filter(f -> !TAPE.contains(f.getClassName()) && !TAPE.contains(f.getClassName() + "." + f.getMethodName()))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .orElse("?"));
        forward(kind);
        return kind;
    }

    private static synchronized void forward(String kind) {
        long now = clock.getAsLong();
        long[] t = TIMES.computeIfAbsent(kind, k -> new long[4]);
        t[0] += now - last;
        t[2]++;
        last = now;
    }

    /** The clock's reading, for timing a backward. */
    static long now() {
        return clock.getAsLong();
    }

    /** Files {@code nanos} of backward work under {@code kind}. */
    static synchronized void backward(String kind, long nanos) {
        long[] t = TIMES.computeIfAbsent(kind == null ? "?" : kind, k -> new long[4]);
        t[1] += nanos;
        t[3]++;
        last = clock.getAsLong();
    }

    /** One kind's totals: nanoseconds and calls, forward and backward. */
    public record Row(String kind, long forwardNanos, long backwardNanos, long forwardCalls, long backwardCalls) {}

    /** The recorded times, kinds in the order first seen. */
    public record Table(List<Row> rows) {
        /** Forward plus backward nanoseconds over all kinds. */
        public long totalNanos() {
            return rows.stream().mapToLong(r -> r.forwardNanos + r.backwardNanos).sum();
        }

        /**
         * A text table in milliseconds per step over {@code steps} steps, the most expensive kinds
         * first, with each kind's share of the total.
         */
        public String format(int steps) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %10s %10s %10s %6s %8s%n",
                    "op", "fwd ms", "bwd ms", "total ms", "share", "calls"));
            double total = Math.max(1, totalNanos());
            double f = 0, b = 0;
            List<Row> sorted = new ArrayList<>(rows);
            sorted.sort((x, y) -> Long.compare(y.forwardNanos + y.backwardNanos, x.forwardNanos + x.backwardNanos));
            for (Row r : sorted) {
                f += r.forwardNanos;
                b += r.backwardNanos;
                sb.append(String.format(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f %5.1f%% %8d%n", r.kind,
                        r.forwardNanos / 1e6 / steps, r.backwardNanos / 1e6 / steps,
                        (r.forwardNanos + r.backwardNanos) / 1e6 / steps, 100 * (r.forwardNanos + r.backwardNanos) / total,
                        (r.forwardCalls + r.backwardCalls) / steps));
            }
            sb.append(String.format(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f %5.1f%%%n", "all", f / 1e6 / steps,
                    b / 1e6 / steps, (f + b) / 1e6 / steps, 100.0));
            return sb.toString();
        }
    }
}
