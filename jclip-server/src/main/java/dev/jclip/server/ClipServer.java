package dev.jclip.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.api.ClipModel;
import dev.jclip.image.BadImageException;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.Responses.Error;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.io.EofException;

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
 *       {@code {"query": Q, "results": [{"path": P, "score": S}, ...]}}
 * </ul>
 *
 * With an API key in the {@link ServerConfig}, every endpoint but {@code /health} wants
 * {@code Authorization: Bearer <key>} (401 without it).
 * Errors answer {@code {"error": "..."}} with a 4xx status and a message that names what was wrong
 * (a 500 says only that the server log has the details). Embeddings are unit length and equal to
 * {@link ClipModel}'s for the same input. Requests run concurrently: the model is thread-safe, the
 * index answers one query at a time.
 */
public final class ClipServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClipServer.class.getName());

    private final Javalin app;
    private final ServerConfig config;

    private ClipServer(Javalin app, ServerConfig config) {
        this.app = app;
        this.config = config;
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
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        RequestBodies bodies = new RequestBodies(config.maxBodyBytes(), json);
        Endpoints endpoints = new Endpoints(model, index, config, bodies);
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.startup.startupWatcherEnabled = false;
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.http.prefer405over404 = true;
            // Parts are held in memory (never spooled to a temporary folder) and bounded by the body limit.
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize((int) config.maxBodyBytes(), SizeUnit.BYTES);
            c.jsonMapper(new JavalinJackson(json, false));

            // Both before any body is read: a stranger's request is refused without reading it.
            c.routes.before(ctx -> checkApiKey(ctx, config.apiKey()));
            c.routes.before(ctx -> bodies.checkDeclaredLength(ctx));
            c.routes.get("/health", endpoints::health);
            c.routes.post("/embed/texts", endpoints::embedTexts);
            c.routes.post("/embed/image", endpoints::embedImage);
            c.routes.post("/classify", endpoints::classify);
            c.routes.get("/search", endpoints::searchText);
            c.routes.post("/search", endpoints::searchImage);

            c.routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), message(e, ctx)));
            c.routes.exception(BadImageException.class, (e, ctx) -> answer(ctx, HttpStatus.BAD_REQUEST.getCode(), e.getMessage()));
            // The core's checks of its arguments (a blank class name, a template without {}, ...).
            c.routes.exception(IllegalArgumentException.class, (e, ctx) -> answer(ctx, HttpStatus.BAD_REQUEST.getCode(), e.getMessage()));
            // A body cut short (the client went away or lied about its length) is the client's error: one line, 400.
            c.routes.exception(EofException.class, (e, ctx) -> {
                LOG.info("client " + ctx.ip() + " ended " + ctx.method() + " " + ctx.path() + " early (" + e.getMessage() + ")");
                answer(ctx, HttpStatus.BAD_REQUEST.getCode(), "the request body ended before its declared length");
            });
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.WARNING, ctx.method() + " " + ctx.path() + " failed", e);
                answer(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "internal server error; the server's log has the details");
            });
        });
        try {
            app.start();
        } catch (JavalinException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                    + (cause != e ? " (" + cause.getMessage() + ")" : ""), e);
        }
        return new ClipServer(app, config);
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

    /** Waits until the server has stopped (by {@link #close}, e.g. from a shutdown hook). */
    public void join() throws InterruptedException {
        app.jettyServer().server().join();
    }

    /** Stops listening and finishes the requests under way. */
    @Override
    public void close() {
        app.stop();
    }

    /** The message of an error answer; for a method the path does not take, the methods it does take. */
    private static String message(HttpResponseException e, Context ctx) {
        String allowed = e.getDetails().get("availableMethods");
        return allowed == null ? e.getMessage() : ctx.method() + " " + ctx.path() + " is not an endpoint; " + ctx.path() + " takes " + allowed;
    }

    /**
     * With an API key configured, refuses (401) a request to anything but {@code GET /health} that
     * does not carry it as {@code Authorization: Bearer <key>}. The comparison takes the same time
     * wherever the first difference is.
     */
    private static void checkApiKey(Context ctx, String apiKey) {
        if (apiKey == null || ctx.path().equals("/health")) {
            return;
        }
        String given = ctx.header("Authorization");
        byte[] want = ("Bearer " + apiKey).getBytes(StandardCharsets.US_ASCII);
        if (given == null || !MessageDigest.isEqual(want, given.getBytes(StandardCharsets.US_ASCII))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthorizedResponse(given == null ? "this server needs an API key: send 'Authorization: Bearer <key>'"
                    : "wrong API key");
        }
    }

    private static void answer(Context ctx, int status, String message) {
        ctx.status(status).json(new Error(message));
    }
}
