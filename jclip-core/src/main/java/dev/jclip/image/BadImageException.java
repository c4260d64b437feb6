package dev.jclip.image;

import java.io.IOException;

/** An image that cannot be used: unreadable, truncated, not an image, empty or too large. The message names it. */
public final class BadImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code source: reason}. */
    public BadImageException(String source, String reason) {
        super(source + ": " + reason);
    }

    /** {@code source: reason}, caused by {@code cause}. */
    public BadImageException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
    }
}
