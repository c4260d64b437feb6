package dev.jclip.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr for long runs (items embedded, training steps): done/total, the rate in
 * the caller's unit, the time left and a caller-supplied suffix (e.g. the loss). Drawn only when a
 * terminal is attached ({@code System.console() != null}), at most every 200 ms and at the end, on
 * one line rewritten with a carriage return.
 */
final class Progress {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long total, from;
    private final String unit;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long done, lastDraw;
    private int lastLength;

    /**
     * @param from the count this run starts at (after a resume), so the rate and ETA count only this run's pace
     * @param unit what is counted, plural ("items", "steps")
     */
    Progress(PrintWriter err, long total, long from, String unit, boolean enabled) {
        this.err = err;
        this.total = total;
        this.from = from;
        this.done = from;
        this.unit = unit;
        this.enabled = enabled;
    }

    /** A bar for {@code total} units starting at {@code from}, shown only on a terminal. */
    static Progress onTerminal(PrintWriter err, long total, long from, String unit) {
        return new Progress(err, total, from, unit, System.console() != null);
    }

    /** {@code n} more units are done. */
    void advance(long n) {
        update(done + n, "");
    }

    /** {@code done} units are done; {@code suffix} follows the bar (empty for none). */
    void update(long done, String suffix) {
        this.done = done;
        long now = System.nanoTime();
        if (enabled && (now - lastDraw >= REDRAW_NANOS || done == total)) {
            lastDraw = now;
            String line = line(done, total, from, unit, now - start, suffix);
            // pad with spaces over what is left of a longer previous line
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            err.flush();
            lastLength = line.length();
        }
    }

    /** Ends the bar's line. */
    void finish() {
        if (enabled && lastDraw != 0) {
            err.println();
            err.flush();
        }
    }

    /** The bar: {@code [=====>    ] 120/1000 34.5 items/s ETA 0:25 suffix}. */
    static String line(long done, long total, long from, String unit, long elapsedNanos, String suffix) {
        double seconds = elapsedNanos / 1e9, rate = seconds > 0 ? (done - from) / seconds : 0;
        int filled = total > 0 ? (int) Math.min(BAR, BAR * done / total) : BAR;
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        bar.append("] ").append(done).append('/').append(total);
        bar.append(String.format(Locale.ROOT, " %.1f %s/s", rate, unit));
        if (rate > 0 && done < total) {
            long left = Math.round((total - done) / rate);
            bar.append(left >= 3600
                    ? String.format(Locale.ROOT, " ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60)
                    : String.format(Locale.ROOT, " ETA %d:%02d", left / 60, left % 60));
        }
        if (!suffix.isEmpty()) {
            bar.append(' ').append(suffix);
        }
        return bar.toString();
    }
}
