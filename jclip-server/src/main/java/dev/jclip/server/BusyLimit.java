package dev.jclip.server;

import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's {@link QoSHandler}, which lets a bounded number of requests at work and suspends (without
 * a thread) a bounded number more for a bounded time, with 503 answers that say which limit was met.
 * {@code /health} passes by.
 */
final class BusyLimit extends QoSHandler {
    /** Seconds a client is asked to wait before it tries again. */
    private static final String RETRY_AFTER = "1";

    BusyLimit(int maxInFlight, int maxQueued, Duration queueTimeout) {
        setMaxRequestCount(maxInFlight);
        setMaxSuspendedRequestCount(maxQueued);
        setMaxSuspend(queueTimeout);
        excludePath("/health");
    }

    /** No slot free and the queue full. */
    @Override
    protected void reject(Request request, Response response, Callback callback, int status) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER);
        Response.writeError(request, response, callback, status, "the server is busy (at its limits: " + getMaxRequestCount()
                + " at work, " + getMaxSuspendedRequestCount() + " waiting); try again later");
    }

    /** Waited too long for a slot (or, rarely, resumed and then not handled). */
    @Override
    protected void failSuspended(Request request, Response response, Callback callback, int status, Throwable failure) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER);
        Response.writeError(request, response, callback, status, "the server is busy: no slot for work came free within "
                + TrafficLimits.seconds(getMaxSuspend()) + "; try again later");
    }
}
