package dev.jclip.train;

/**
 * A loss or gradient was NaN or infinite: the run stopped before the update, so
 * the model, the optimizer and the checkpoints on disk are those of the last
 * good step.
 */
public final class NonFiniteException extends RuntimeException {
    public NonFiniteException(String message) {
        super(message);
    }
}
