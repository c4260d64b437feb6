package dev.jclip.plan;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The copies of weights that plans keep packed for the micro-kernel ({@link LinearWeight},
 * {@link ConvWeight}), a second float32 copy of each on the heap. All plans together pack at most
 * a quarter of the maximum heap, so that a large model on a small heap runs slower (each product
 * packing its weight again) rather than failing, and a collected plan's copies go back to the
 * budget. The system property {@code jclip.packWeights} {@code false} keeps no copies.
 */
final class PackedWeights {
    /** The budget of all plans, in bytes. */
    static final AtomicLong BUDGET = new AtomicLong(Runtime.getRuntime().maxMemory() / 4);
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jclip.packWeights", "").trim());
    private static final Cleaner CLEANER = Cleaner.create();

    private PackedWeights() {}

    /**
     * {@code pack}'s result, its {@code bytes} taken from {@code budget} until {@code owner} is
     * collected; null, with nothing packed or taken, when copies are off or the budget lacks them.
     */
    static <P> P pack(Object owner, AtomicLong budget, long bytes, Supplier<P> pack) {
        if (!ENABLED) {
            return null;
        }
        if (budget.addAndGet(-bytes) < 0) {
            budget.addAndGet(bytes);
            return null;
        }
        try {
            P packed = pack.get();
            CLEANER.register(owner, () -> budget.addAndGet(bytes));
            return packed;
        } catch (RuntimeException | Error e) {
            budget.addAndGet(bytes);
            throw e;
        }
    }
}
