package dev.jclip.server;

/**
 * Where the server listens and how much one request may ask of it.
 *
 * @param host the address to bind ({@value #DEFAULT_HOST} by default: only this machine can connect)
 * @param port the TCP port; 0 picks a free one ({@link ClipServer#port()} tells which)
 * @param maxBodyBytes the largest request body accepted; a larger one is refused with 413 before it is read
 * @param maxTexts the most texts one request may embed: the texts of {@code POST /embed/texts}, or the
 *     labels × templates prompts of {@code POST /classify}
 * @param maxImages the most images one {@code POST /embed/image} may embed (each is decoded and
 *     resized before any is embedded, so this bounds a request's memory)
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxTexts, int maxImages) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long MB = 1L << 20;
    public static final long DEFAULT_MAX_BODY_BYTES = 20 * MB;
    public static final int DEFAULT_MAX_TEXTS = 256;
    public static final int DEFAULT_MAX_IMAGES = 64;
    /** Largest body: multipart files are held in memory, in byte arrays. */
    public static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 8;

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the host to listen on must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("the body limit must be in [1, " + MAX_BODY_BYTES + "] bytes, got " + maxBodyBytes);
        }
        if (maxTexts < 1) {
            throw new IllegalArgumentException("the limit of texts per request must be at least 1, got " + maxTexts);
        }
        if (maxImages < 1) {
            throw new IllegalArgumentException("the limit of images per request must be at least 1, got " + maxImages);
        }
    }

    /**
     * Localhost, port {@value #DEFAULT_PORT}, 20 MB bodies, {@value #DEFAULT_MAX_TEXTS} texts and
     * {@value #DEFAULT_MAX_IMAGES} images per request.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_TEXTS, DEFAULT_MAX_IMAGES);
    }

    /** This configuration on {@code port}. */
    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxBodyBytes, maxTexts, maxImages);
    }
}
