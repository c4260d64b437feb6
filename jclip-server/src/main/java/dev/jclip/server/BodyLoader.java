package dev.jclip.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request's whole body, as it arrives and without holding a thread, before the request is
 * handled (for Jetty's {@link EagerContentHandler}): a slow client costs a connection and the bytes
 * it sent, never one of the threads or slots that do the work. The body is copied into one array
 * (only as large as what arrived), so that many small network reads do not each pin a network buffer.
 *
 * <p>A body over the limit is answered 413 (before anything is read when its length is declared); a
 * request whose body is not complete within the request timeout from its first byte, or that goes
 * silent for the idle timeout, is answered 408. A body that breaks off (the client hung up) is logged in one line.
 */
final class BodyLoader implements EagerContentHandler.ContentLoaderFactory {
    private static final Logger LOG = Logger.getLogger(ClipServer.class.getName());
    /** The first array for a body of unknown length; it doubles as bytes arrive. */
    private static final int FIRST_CAPACITY = 8192;

    private final long limit;
    private final Duration requestTimeout;
    private final Duration idleTimeout;

    BodyLoader(long limit, Duration requestTimeout, Duration idleTimeout) {
        this.limit = limit;
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** The 413 message, also the endpoints' for a body over the limit. */
    static String tooLarge(long limit) {
        return "the request body is larger than this server's limit of " + limit + " bytes";
    }

    @Override
    public String getApplicableMimeType() {
        return null;
    }

    @Override
    public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler handler, Request request,
            Response response, Callback callback) {
        return new Loader(handler, request, response, callback);
    }

    /** One body: read by whichever thread Jetty calls back on demand; finished once, by the reader or the deadline. */
    private final class Loader extends EagerContentHandler.ContentLoader implements Invocable.Task {
        private final AtomicBoolean finished = new AtomicBoolean();
        /** The declared length, or -1 for a chunked body. */
        private long declared;
        private byte[] body;
        private int size;
        private Scheduler.Task deadline;

        Loader(Handler handler, Request request, Response response, Callback callback) {
            super(handler, request, response, callback);
        }

        @Override
        protected void load() {
            declared = getRequest().getLength();
            if (declared > limit) {
                fail(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(limit));
                return;
            }
            // Never the declared length at once: a client that declares much and sends little gets little memory.
            body = new byte[(int) (declared >= 0 ? Math.min(declared, FIRST_CAPACITY) : FIRST_CAPACITY)];
            long left = requestTimeout.toNanos() - NanoTime.since(getRequest().getBeginNanoTime());
            deadline = getRequest().getComponents().getScheduler().schedule(() -> fail(HttpStatus.REQUEST_TIMEOUT_408,
                    "the request did not arrive within this server's limit of " + TrafficLimits.seconds(requestTimeout)
                            + " from its first byte"), Math.max(0, left), TimeUnit.NANOSECONDS);
            read(false);
        }

        /** Demanded content has arrived: read it on Jetty's callback thread, without blocking. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        /** Reads what has arrived; {@code dispatch}: the request is then handled on another thread (this one must not block). */
        private void read(boolean dispatch) {
            while (!finished.get()) {
                Content.Chunk chunk = getRequest().read();
                if (chunk == null) {
                    getRequest().demand(this);
                    return;
                }
                if (chunk.getFailure() != null) {
                    failed(chunk.getFailure());
                    return;
                }
                boolean last = chunk.isLast();
                boolean fits = append(chunk.getByteBuffer());
                chunk.release();
                if (!fits) {
                    fail(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(limit));
                    return;
                }
                if (last) {
                    if (finished.compareAndSet(false, true)) {
                        deadline.cancel();
                        Request loaded = new LoadedRequest(getRequest(), ByteBuffer.wrap(body, 0, size));
                        if (dispatch) {
                            getRequest().getContext().execute(() -> handle(loaded, getResponse(), getCallback()));
                        } else {
                            handle(loaded, getResponse(), getCallback());
                        }
                    }
                    return;
                }
            }
        }

        /** Copies {@code bytes} after what has arrived; false when that would pass the limit. */
        private boolean append(ByteBuffer bytes) {
            int n = bytes.remaining();
            if (size + (long) n > limit) {
                return false;
            }
            if (size + n > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(declared >= 0 ? declared : limit, Math.max(size + n, 2L * body.length)));
            }
            bytes.get(body, size, n);
            size += n;
            return true;
        }

        private void failed(Throwable failure) {
            if (failure instanceof TimeoutException) {
                fail(HttpStatus.REQUEST_TIMEOUT_408, "no data arrived for " + TrafficLimits.seconds(idleTimeout)
                        + " (this server's idle timeout) while reading the request body");
                return;
            }
            if (finished.compareAndSet(false, true)) {
                deadline.cancel();
                Request r = getRequest();
                // A client that hangs up and one whose chunked body is malformed look the same to Jetty ("Early EOF").
                LOG.info("the body of " + r.getMethod() + " " + Request.getPathInContext(r) + " from client "
                        + r.getConnectionMetaData().getRemoteSocketAddress() + " broke off after " + size
                        + (declared >= 0 ? " of " + declared : "") + " bytes (" + failure.getMessage() + ")");
                getCallback().failed(failure);
            }
        }

        /** Answers {@code status} with {@code message}, unless the request was already finished. */
        private void fail(int status, String message) {
            if (finished.compareAndSet(false, true)) {
                if (deadline != null) {
                    deadline.cancel();
                }
                Response.writeError(getRequest(), getResponse(), getCallback(), status, message);
            }
        }
    }

    /** The request with its body read: one chunk holding all of it. */
    private static final class LoadedRequest extends Request.Wrapper {
        private Content.Chunk body;

        LoadedRequest(Request request, ByteBuffer body) {
            super(request);
            this.body = Content.Chunk.from(body, true);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk next = body;
            body = Content.Chunk.EOF;
            return next;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }
    }
}
