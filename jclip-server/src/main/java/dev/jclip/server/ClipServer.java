package dev.jclip.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jclip.api.ClipModel;
import dev.jclip.image.BadImageException;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.Responses.Error;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * A small HTTP server (Javalin on Jetty) for a {@link ClipModel} and optionally a {@link VectorIndex}:
 *
 * <ul>
 *   <li>{@code GET /health}: {@code {"model": id, "dim": D, "index": null | {"path": P, "count": N}}}
 *   <li>{@code POST /embed/texts} {@code {"texts": [...]}}: {@code {"model": id, "embeddings": [[...], ...]}}
 *   <li>{@code POST /embed/image}, an image body ({@code image/*}) or a multipart form of image files: embeddings as above
 *   <li>{@code POST /classify}, a multipart form ({@code image}, {@code labels}, optional {@code templates}, {@code top}):
 *       {@code {"model": id, "labels": [{"label": L, "prob": P}, ...]}}
 *   <li>{@code GET /search?q=TEXT&k=10} and {@code POST /search} with an image:
 *       {@code {"query": Q, "results": [{"path": P, "score": S, "id": I}, ...]}}
 *   <li>{@code GET /thumbnails/{id}}: a JPEG of an indexed image ({@link Thumbnails})
 *   <li>{@code GET /}: a web page for search and zero-shot classification ({@link WebPage})
 * </ul>
 *
 * With an API key in the {@link ServerConfig}, every endpoint but {@code /health} and the page wants
 * {@code Authorization: Bearer <key>} (401 without it).
 * Errors answer {@code {"error": "..."}} with a 4xx status and a message that names what was wrong
 * (a 500 says only that the server log has the details), also those of the HTTP layer (a malformed
 * request, headers over the limit, a timeout) and 503 when the server is busy. Embeddings are unit
 * length and equal to {@link ClipModel}'s for the same input. Requests run concurrently: the texts
 * and the images they embed are coalesced into batches ({@link BatchLimits}), the index answers one
 * query at a time.
 *
 * <p>Slow or many clients cannot starve the server ({@link TrafficLimits}): a request's body is read
 * in full, without holding a thread, before the request is handled; then it waits (without a thread)
 * for one of a bounded number of slots to work in; every phase of a request has a deadline; and
 * {@code /health} needs no slot.
 */
public final class ClipServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClipServer.class.getName());
    /** Largest request line and headers, together (Jetty's default); larger ones are answered 431 (414 for the URI). */
    public static final int MAX_HEADER_BYTES = 8192;
    /** Longest {@link #close} waits for the requests at work to finish. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Javalin app;
    private final ServerConfig config;
    private final BatchedModel batched;

    private ClipServer(Javalin app, ServerConfig config, BatchedModel batched) {
        this.app = app;
        this.config = config;
        this.batched = batched;
    }

    /**
     * Starts serving {@code model} and, if not null, {@code index} (opened for the same model, e.g.
     * by {@link VectorIndex#openForSearch}; the caller closes it after {@link #close}).
     *
     * @throws IOException if the server cannot listen on the configured host and port
     */
    public static ClipServer start(ClipModel model, VectorIndex index, ServerConfig config) throws IOException {
        if (index != null && !index.modelId().equals(model.id())) {
            throw new IllegalArgumentException("index at " + index.folder() + " was built by " + index.modelId() + ", the server's model is "
                    + model.id());
        }
        // A request body with a key twice is refused, not read as its last value.
        ObjectMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        RequestBodies bodies = new RequestBodies(json);
        BatchedModel batched = new BatchedModel(model, config.batching());
        Endpoints endpoints = new Endpoints(model, batched, index, config, bodies);
        TrafficLimits traffic = config.traffic();
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.startup.startupWatcherEnabled = false;
            c.http.prefer405over404 = true;
            // Parts are held in memory (never spooled to a temporary folder); the body loader bounds the whole body.
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize((int) config.maxBodyBytes(), SizeUnit.BYTES);
            c.jsonMapper(new JavalinJackson(json, false));

            c.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEADER_BYTES));
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HeaderDeadline(http, traffic.headerTimeout()));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setIdleTimeout(traffic.idleTimeout().toMillis());
                return connector;
            });
            c.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrors(json, MAX_HEADER_BYTES));
                server.addBean(new NetworkConnectionLimit(traffic.maxConnections(), server));
                // In this order before Javalin: a stranger is refused before the body is read, the body is read
                // without a thread, and only then does the request wait for a slot to work in; the requests at
                // work are counted, so that close() can let them finish.
                BusyLimit busy = new BusyLimit(traffic.maxInFlight(), traffic.maxQueued(), traffic.queueTimeout());
                busy.setHandler(new GracefulHandler());
                Handler.Singleton chain = new EagerContentHandler(busy, new BodyLoader(config.maxBodyBytes(), traffic.requestTimeout(),
                        traffic.idleTimeout()));
                server.insertHandler(config.apiKey() == null ? chain : new ApiKeyCheck(config.apiKey(), chain));
            });

            c.routes.get("/health", endpoints::health);
            c.routes.post("/embed/texts", endpoints::embedTexts);
            c.routes.post("/embed/image", endpoints::embedImage);
            c.routes.post("/classify", endpoints::classify);
            c.routes.get("/search", endpoints::searchText);
            c.routes.post("/search", endpoints::searchImage);
            c.routes.get(WebPage.PATH, new WebPage()::get);
            if (index != null) {
                c.routes.get("/thumbnails/{id}", new Thumbnails(new ItemIds(index), index.folder())::get);
            }

            c.routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), message(e, ctx)));
            c.routes.exception(BadImageException.class, (e, ctx) -> answer(ctx, HttpStatus.BAD_REQUEST.getCode(), e.getMessage()));
            // The core's checks of its arguments (a blank class name, a template without {}, ...).
            c.routes.exception(IllegalArgumentException.class, (e, ctx) -> answer(ctx, HttpStatus.BAD_REQUEST.getCode(), e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.WARNING, ctx.method() + " " + ctx.path() + " failed", e);
                answer(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "internal server error; the server's log has the details");
            });
        });
        try {
            app.start();
        } catch (JavalinException e) {
            batched.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + (cause != e ? " (" + cause.getMessage() + ")" : ""), e);
        }
        return new ClipServer(app, config, batched);
    }

    /** The port the server listens on (the one picked when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** The server's base address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Connections open now (for tests: the timeouts free them). */
    int openConnections() {
        return app.jettyServer().server().getBean(NetworkConnectionLimit.class).getNetworkConnectionCount();
    }

    /** The limit of requests at work (for tests: how many took a slot, how many wait). */
    BusyLimit busy() {
        return app.jettyServer().server().getDescendant(BusyLimit.class);
    }

    /** The batchers of the model's towers (for tests: how requests were coalesced). */
    BatchedModel batched() {
        return batched;
    }

    /** Waits until the server has stopped (by {@link #close}, e.g. from a shutdown hook). */
    public void join() throws InterruptedException {
        app.jettyServer().server().join();
    }

    /**
     * Finishes the requests at work (answering those that come meanwhile 503), their batches
     * without waiting to fill, for up to {@link #STOP_TIMEOUT}; then stops listening.
     */
    @Override
    public void close() {
        batched.flush();
        try {
            GracefulHandler work = app.jettyServer().server().getDescendant(GracefulHandler.class);
            if (work != null) {
                work.shutdown().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            LOG.warning("stopping with requests still at work after " + TrafficLimits.seconds(STOP_TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                app.stop();
            } finally {
                batched.close();
            }
        }
    }

    /** The message of an error answer; for a method the path does not take, the methods it does take. */
    private static String message(HttpResponseException e, Context ctx) {
        String allowed = e.getDetails().get("availableMethods");
        return allowed == null ? e.getMessage() : ctx.method() + " " + ctx.path() + " is not an endpoint; " + ctx.path() + " takes " + allowed;
    }

    private static void answer(Context ctx, int status, String message) {
        ctx.status(status).json(new Error(message));
    }
}
