package dev.jclip.demo;

import dev.jclip.train.LrSchedule;

/**
 * Linear warm-up over a number of steps, then cosine decay to 0 at the end of the budget: a step
 * count (the run is then the same every time) or a deadline on the clock, so that a time-budgeted
 * run always finishes its decay, however fast the machine is at the moment. The deadline may move
 * while training (the run re-estimates how long its final evaluation will take).
 */
final class BudgetSchedule implements LrSchedule {
    private final double base;
    private final long warmup, totalSteps;
    private volatile long deadline;
    private long decayStart = -1;

    /** Decay over steps {@code [warmup, totalSteps)}. */
    static BudgetSchedule steps(double base, long warmup, long totalSteps) {
        return new BudgetSchedule(base, warmup, totalSteps, 0);
    }

    /** Decay from the end of warm-up until {@code deadline} ({@link System#nanoTime()}). */
    static BudgetSchedule until(double base, long warmup, long deadline) {
        return new BudgetSchedule(base, warmup, 0, deadline);
    }

    private BudgetSchedule(double base, long warmup, long totalSteps, long deadline) {
        this.base = base;
        this.warmup = Math.max(1, warmup);
        this.totalSteps = totalSteps;
        this.deadline = deadline;
    }

    void deadline(long nanos) {
        deadline = nanos;
    }

    long deadline() {
        return deadline;
    }

    @Override
    public double lr(long step) {
        if (step < warmup) {
            return base * (step + 1) / warmup;
        }
        double f;
        if (totalSteps > 0) {
            f = (double) (step - warmup) / Math.max(1, totalSteps - warmup);
        } else {
            long now = System.nanoTime();
            if (decayStart < 0) {
                decayStart = now;
            }
            f = (double) (now - decayStart) / Math.max(1, deadline - decayStart);
        }
        return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, f))) * base;
    }
}
