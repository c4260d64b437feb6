package dev.jclip.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr for long runs: done/total, items per second and the time left. Drawn
 * only when a terminal is attached ({@code System.console() != null}), at most every 200 ms, on one
 * line rewritten with a carriage return.
 */
final class Progress {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long done, lastDraw;

    Progress(PrintWriter err, long total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    /** A bar for {@code total} items, shown only on a terminal. */
    static Progress onTerminal(PrintWriter err, long total) {
        return new Progress(err, total, System.console() != null);
    }

    /** {@code n} more items are done. */
    void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (enabled && (now - lastDraw >= REDRAW_NANOS || done == total)) {
            lastDraw = now;
            err.print("\r" + line(done, total, now - start));
            err.flush();
        }
    }

    /** Ends the bar's line. */
    void finish() {
        if (enabled && lastDraw != 0) {
            err.println();
        }
    }

    /** The bar: {@code [=====>    ] 120/1000 34.5 items/s ETA 0:25}. */
    static String line(long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9, rate = seconds > 0 ? done / seconds : 0;
        int filled = total > 0 ? (int) (BAR * done / total) : BAR;
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        bar.append("] ").append(done).append('/').append(total);
        bar.append(String.format(Locale.ROOT, " %.1f items/s", rate));
        if (rate > 0 && done < total) {
            long left = Math.round((total - done) / rate);
            bar.append(String.format(Locale.ROOT, " ETA %d:%02d", left / 60, left % 60));
        }
        return bar.toString();
    }
}
