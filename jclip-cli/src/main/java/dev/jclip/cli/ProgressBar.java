package dev.jclip.cli;

import dev.jclip.train.StepLog;
import java.io.PrintStream;

/** A one-line training progress bar, redrawn in place with a carriage return (for terminals only). */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long total;
    private final long startStep;
    private final long startNanos = System.nanoTime();

    /** @param startStep the step the run starts from (after a resume), so the ETA counts only this run's pace */
    ProgressBar(PrintStream out, long total, long startStep) {
        this.out = out;
        this.total = total;
        this.startStep = startStep;
    }

    void update(StepLog log) {
        int filled = (int) Math.min(WIDTH, WIDTH * log.step() / Math.max(1, total));
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        long done = log.step() - startStep;
        long eta = done > 0 ? Math.round(elapsed / done * (total - log.step())) : 0;
        out.printf("\r[%s%s] step %d/%d  epoch %d  loss %.4f  lr %.2e  %.1f samples/s  ETA %d:%02d:%02d%s ",
                "=".repeat(filled), " ".repeat(WIDTH - filled), log.step(), total, log.epoch() + 1, log.loss(), log.lr(),
                log.samplesPerSecond(), eta / 3600, eta / 60 % 60, eta % 60, log.skipped() ? "  (skipped)" : "");
        out.flush();
    }

    void finish() {
        out.println();
    }
}
