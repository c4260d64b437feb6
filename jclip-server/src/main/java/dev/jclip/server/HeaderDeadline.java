package dev.jclip.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/1.1 connections that are closed when a request's line and headers are not complete within a
 * deadline from its first byte. Jetty's idle timeout bounds only the silence between bytes, so a
 * client sending a header byte now and then would otherwise hold its connection for as long as it
 * likes; no thread waits on it, but it takes one of the connections the server allows.
 */
final class HeaderDeadline extends HttpConnectionFactory {
    private final long timeoutMillis;

    HeaderDeadline(HttpConfiguration config, Duration timeout) {
        super(config);
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        TimedConnection connection = new TimedConnection(getHttpConfiguration(), connector, endPoint, timeoutMillis);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    /** A connection whose parser callbacks start the deadline at a request's first byte and cancel it at the end of its headers. */
    private static final class TimedConnection extends HttpConnection {
        private final long timeoutMillis;

        TimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, long timeoutMillis) {
            super(config, connector, endPoint);
            this.timeoutMillis = timeoutMillis;
        }

        /** Called by the super constructor: the handler reads this connection's fields only once parsing has begun. */
        @Override
        protected RequestHandler newRequestHandler() {
            return new TimedRequestHandler();
        }

        private final class TimedRequestHandler extends RequestHandler {
            /** Touched only by the thread that parses; the deadline's task only closes the end point. */
            private Scheduler.Task deadline;

            /** Called whenever the parser looks for a new request, also with nothing to parse: the deadline starts with a byte. */
            @Override
            public void messageBegin() {
                super.messageBegin();
                if (deadline == null && !isRequestBufferEmpty()) {
                    deadline = getConnector().getScheduler().schedule(this::cutOff, timeoutMillis, TimeUnit.MILLISECONDS);
                }
            }

            /**
             * Ends the connection without an answer. The output is shut first: closing alone marks the
             * end point closed before it closes the socket, and a parsing thread that reads the end of
             * input in between answers the request it was reading with an error, which then reached
             * the client (a 500 to about one client in 6,000 in a stress of clients dripping their headers).
             */
            private void cutOff() {
                EndPoint endPoint = getEndPoint();
                endPoint.shutdownOutput();
                endPoint.close(new TimeoutException("request headers not complete within " + timeoutMillis + " ms"));
            }

            @Override
            public boolean headerComplete() {
                cancel();
                return super.headerComplete();
            }

            @Override
            public void badMessage(HttpException failure) {
                cancel();
                super.badMessage(failure);
            }

            @Override
            public void earlyEOF() {
                cancel();
                super.earlyEOF();
            }

            private void cancel() {
                if (deadline != null) {
                    deadline.cancel();
                    deadline = null;
                }
            }
        }
    }
}
