package dev.jclip.server;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How many clients the server takes at once and how long each phase of a request may take, so that
 * neither slow clients nor many fast ones can starve {@code GET /health} or each other.
 *
 * <p>A request's body is read in full before the request is handled, without holding a thread while
 * it arrives; only then does the request take one of the {@code maxInFlight} slots ({@code /health}
 * takes none).
 *
 * @param maxConnections the most open connections; further ones wait to be accepted until one closes
 * @param maxInFlight the most requests at work at once (model, index), their bodies read in full
 * @param maxQueued the most requests waiting for a slot (holding no thread); one more is answered 503 at once
 * @param queueTimeout the longest a request waits for a slot before it is answered 503
 * @param idleTimeout the longest a connection may go without a byte in either direction before it is closed
 *     (408 when a request body was being read)
 * @param headerTimeout the longest from a request's first byte to the end of its headers; the connection is
 *     closed when they take longer
 * @param requestTimeout the longest from a request's first byte to the end of its body (408 when it takes longer);
 *     at least {@code headerTimeout}
 */
public record TrafficLimits(int maxConnections, int maxInFlight, int maxQueued, Duration queueTimeout, Duration idleTimeout,
        Duration headerTimeout, Duration requestTimeout) {
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    public static final int DEFAULT_MAX_IN_FLIGHT = 16;
    public static final int DEFAULT_MAX_QUEUED = 64;
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    public TrafficLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the connection limit must be at least 1, got " + maxConnections);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("the limit of requests at work must be at least 1, got " + maxInFlight);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("the limit of waiting requests must not be negative, got " + maxQueued);
        }
        positive(queueTimeout, "queue");
        positive(idleTimeout, "idle");
        positive(headerTimeout, "header");
        positive(requestTimeout, "request");
        if (headerTimeout.compareTo(requestTimeout) > 0) {
            throw new IllegalArgumentException("the header timeout (" + seconds(headerTimeout) + ") must not exceed the request timeout ("
                    + seconds(requestTimeout) + "): the headers are part of the request");
        }
    }

    /**
     * {@value #DEFAULT_MAX_CONNECTIONS} connections, {@value #DEFAULT_MAX_IN_FLIGHT} requests at work and
     * {@value #DEFAULT_MAX_QUEUED} waiting up to 10 s; 30 s idle, 10 s for headers, 60 s for a whole request.
     */
    public static TrafficLimits defaults() {
        return new TrafficLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_QUEUED, DEFAULT_QUEUE_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** These limits with {@code maxInFlight} requests at work and {@code maxQueued} waiting up to {@code queueTimeout}. */
    public TrafficLimits withWork(int maxInFlight, int maxQueued, Duration queueTimeout) {
        return new TrafficLimits(maxConnections, maxInFlight, maxQueued, queueTimeout, idleTimeout, headerTimeout, requestTimeout);
    }

    /** These limits with other timeouts for a connection's silence, a request's headers and a whole request. */
    public TrafficLimits withTimeouts(Duration idleTimeout, Duration headerTimeout, Duration requestTimeout) {
        return new TrafficLimits(maxConnections, maxInFlight, maxQueued, queueTimeout, idleTimeout, headerTimeout, requestTimeout);
    }

    /** These limits with at most {@code maxConnections} open connections. */
    public TrafficLimits withMaxConnections(int maxConnections) {
        return new TrafficLimits(maxConnections, maxInFlight, maxQueued, queueTimeout, idleTimeout, headerTimeout, requestTimeout);
    }

    /** A duration as messages show it: {@code 10 s}, {@code 1.5 s}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.toMillis() < 1) {
            throw new IllegalArgumentException("the " + what + " timeout must be at least 1 ms, got " + (d == null ? "none" : d));
        }
    }
}
