package dev.jclip.server;

/**
 * Where the server listens, how much one request may ask of it and how much traffic it takes at once.
 *
 * @param host the address to bind ({@value #DEFAULT_HOST} by default: only this machine can connect)
 * @param port the TCP port; 0 picks a free one ({@link ClipServer#port()} tells which)
 * @param maxBodyBytes the largest request body accepted; a larger one is refused with 413 before it is read
 * @param maxTexts the most texts one request may embed: the texts of {@code POST /embed/texts}, or the
 *     labels × templates prompts of {@code POST /classify}
 * @param maxImages the most images one {@code POST /embed/image} may embed (each is decoded and
 *     resized before any is embedded, so this bounds a request's memory)
 * @param apiKey when not null, every endpoint but {@code GET /health} answers only requests that carry
 *     {@code Authorization: Bearer <apiKey>} (401 otherwise); at least {@value #MIN_API_KEY_LENGTH} characters
 * @param traffic connections, requests at work and timeouts
 * @param batching how the inputs of concurrent requests are coalesced into batches
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxTexts, int maxImages, String apiKey, TrafficLimits traffic,
        BatchLimits batching) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long MB = 1L << 20;
    public static final long DEFAULT_MAX_BODY_BYTES = 20 * MB;
    public static final int DEFAULT_MAX_TEXTS = 256;
    public static final int DEFAULT_MAX_IMAGES = 64;
    /** Largest body: multipart files are held in memory, in byte arrays. */
    public static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 8;
    /** Shortest API key accepted: one that can be guessed is no protection. */
    public static final int MIN_API_KEY_LENGTH = 16;

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
        if (apiKey != null && (apiKey.length() < MIN_API_KEY_LENGTH || !apiKey.chars().allMatch(c -> c > ' ' && c < 127))) {
            throw new IllegalArgumentException("the API key must be at least " + MIN_API_KEY_LENGTH
                    + " printable ASCII characters without spaces, got " + apiKey.length() + " characters");
        }
        if (traffic == null) {
            throw new IllegalArgumentException("the traffic limits must be given (TrafficLimits.defaults())");
        }
        if (batching == null) {
            throw new IllegalArgumentException("the batch limits must be given (BatchLimits.defaults())");
        }
    }

    /**
     * Without an API key, with the {@linkplain TrafficLimits#defaults() default traffic limits} and
     * {@linkplain BatchLimits#defaults() batches}: every client that can connect may use the server.
     */
    public ServerConfig(String host, int port, long maxBodyBytes, int maxTexts, int maxImages) {
        this(host, port, maxBodyBytes, maxTexts, maxImages, null, TrafficLimits.defaults(), BatchLimits.defaults());
    }

    /**
     * Localhost, port {@value #DEFAULT_PORT}, 20 MB bodies, {@value #DEFAULT_MAX_TEXTS} texts and
     * {@value #DEFAULT_MAX_IMAGES} images per request, {@linkplain TrafficLimits#defaults() default traffic limits}
     * and {@linkplain BatchLimits#defaults() batches}.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_TEXTS, DEFAULT_MAX_IMAGES);
    }

    /** This configuration on {@code port}. */
    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxBodyBytes, maxTexts, maxImages, apiKey, traffic, batching);
    }

    /** This configuration requiring {@code apiKey} (null: none). */
    public ServerConfig withApiKey(String apiKey) {
        return new ServerConfig(host, port, maxBodyBytes, maxTexts, maxImages, apiKey, traffic, batching);
    }

    /** This configuration with other traffic limits. */
    public ServerConfig withTraffic(TrafficLimits traffic) {
        return new ServerConfig(host, port, maxBodyBytes, maxTexts, maxImages, apiKey, traffic, batching);
    }

    /** This configuration with other batch limits. */
    public ServerConfig withBatching(BatchLimits batching) {
        return new ServerConfig(host, port, maxBodyBytes, maxTexts, maxImages, apiKey, traffic, batching);
    }

    /** The key stays out of logs and error messages. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", maxTexts=" + maxTexts
                + ", maxImages=" + maxImages + ", apiKey=" + (apiKey == null ? "none" : "set") + ", traffic=" + traffic
                + ", batching=" + batching + "]";
    }
}
