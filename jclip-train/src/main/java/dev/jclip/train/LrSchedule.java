package dev.jclip.train;

/** Learning rate as a function of the step (0-based), as OpenCLIP's schedulers compute it. */
@FunctionalInterface
public interface LrSchedule {

    double lr(long step);

    /** Linear warm-up to {@code base} over {@code warmup} steps, then cosine decay to 0 at {@code total}. */
    static LrSchedule cosine(double base, long warmup, long total) {
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            long e = step - warmup, es = total - warmup;
            return es <= 0 ? base : 0.5 * (1 + Math.cos(Math.PI * e / es)) * base;
        };
    }

    /** Linear warm-up, then constant. */
    static LrSchedule constant(double base, long warmup) {
        return step -> step < warmup ? base * (step + 1) / warmup : base;
    }

    /**
     * Linear warm-up, constant, then a linear cooldown to {@code end} over the
     * last {@code cooldown} steps of {@code total}.
     */
    static LrSchedule constantWithCooldown(double base, long warmup, long total, long cooldown, double end) {
        long start = total - cooldown;
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            if (step < start) {
                return base;
            }
            double frac = Math.min(1.0, (double) (step - start) / cooldown);
            return base - (base - end) * frac;
        };
    }
}
