package dev.jclip.data;

import java.util.function.Consumer;

/**
 * A problem with one item or one file of a source (a missing image, a bad CSV row, a truncated shard)
 * that does not stop the rest of the data. Sources report these to a {@code Consumer<DataError>}.
 *
 * @param where   the file, with a line or key where known (e.g. {@code "train.csv line 12"})
 * @param message what is wrong
 */
public record DataError(String where, String message) {

    /** The strict handler: throws {@link DataException} at the first error. */
    public static final Consumer<DataError> THROW = e -> {
        throw new DataException(e);
    };

    @Override
    public String toString() {
        return where + ": " + message;
    }

    /** Thrown by {@link #THROW}: bad input, so the command line reports it as a user error. */
    public static final class DataException extends IllegalArgumentException {
        private final transient DataError error;

        DataException(DataError error) {
            super(error.toString());
            this.error = error;
        }

        /** The error that stopped the data. */
        public DataError error() {
            return error;
        }
    }
}
