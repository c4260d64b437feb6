package dev.jclip.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint whose files do not match the checksums written with them (changed, cut short or
 * missing): resuming from it would not continue the run it came from, so it is refused.
 */
public final class DamagedCheckpointException extends IOException {
    private final Path checkpoint;
    private final String reason;

    DamagedCheckpointException(Path checkpoint, String reason) {
        super("checkpoint " + checkpoint + " is damaged: " + reason);
        this.checkpoint = checkpoint;
        this.reason = reason;
    }

    /** The checkpoint folder. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** What is wrong, naming the file: e.g. "model.safetensors is missing". */
    public String reason() {
        return reason;
    }
}
