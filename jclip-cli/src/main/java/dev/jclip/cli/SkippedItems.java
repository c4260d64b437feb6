package dev.jclip.cli;

import dev.jclip.data.DataError;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Counts the data items left out of training (a missing file, an unreadable image, a bad row or
 * sample) and prints the first few, so a few bad files do not stop a run and many do not flood the terminal.
 */
final class SkippedItems implements Consumer<DataError> {
    static final int PRINTED = 5;
    private final PrintStream err;
    private long count;

    SkippedItems(PrintStream err) {
        this.err = err;
    }

    @Override
    public void accept(DataError e) {
        count++;
        if (count <= PRINTED) {
            err.println("jclip train: skipped " + e);
        } else if (count == PRINTED + 1) {
            err.println("jclip train: skipping more bad items; only the first " + PRINTED
                    + " are printed, log.jsonl counts them all (bad_items)");
        }
    }

    /** Items left out so far. */
    long count() {
        return count;
    }
}
