package dev.jclip.tensor;

/**
 * Whether operations on this thread record what backward needs. Inference runs
 * inside {@link #noGrad()}: nothing is recorded, so activations are garbage as
 * soon as the next layer has read them.
 *
 * <pre>{@code
 * try (var off = GradMode.noGrad()) { model.encodeImage(x); }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** True when new operations on this thread record their backward. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off until the returned scope is closed (scopes nest). */
    public static Scope noGrad() {
        return set(false);
    }

    /** Turns recording on until the returned scope is closed (scopes nest). */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
