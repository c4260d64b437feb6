package dev.jclip.server;

import dev.jclip.api.ClipModel;
import dev.jclip.tensor.Tensor;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * The model's two towers behind a {@link Batcher} each, so that the texts and the images of
 * concurrent requests are encoded in shared batches; each request gets the same rows as
 * {@link ClipModel#embedTexts} and {@link ClipModel#embedPreprocessed} give it alone.
 *
 * <p>A request whose connection stays silent for the idle timeout while it waits, or fails, withdraws
 * its inputs and is answered 408: HTTP/1.1 reads nothing from a connection while its request is at
 * work, so a client that hangs up is noticed no sooner.
 */
final class BatchedModel implements AutoCloseable {
    private final ClipModel model;
    private final Batcher<int[]> texts;
    private final Batcher<Tensor> images;

    BatchedModel(ClipModel model, BatchLimits limits) {
        this.model = model;
        texts = new Batcher<>("texts", limits.maxTexts(), limits.maxWait(), ids -> model.embedTokens(ids.toArray(int[][]::new)));
        images = new Batcher<>("images", limits.maxImages(), limits.maxWait(), model::embedPreprocessed);
    }

    /** Embeddings of the texts of request {@code ctx}, one row per text in order: tokenized here, encoded in shared batches. */
    float[][] embedTexts(List<String> list, Context ctx) {
        return await(texts.submit(Arrays.asList(model.tokenize(list))), ctx);
    }

    /** Embeddings of the preprocessed images of request {@code ctx}, one row per image in order, encoded in shared batches. */
    float[][] embedPreprocessed(List<Tensor> list, Context ctx) {
        return await(images.submit(list), ctx);
    }

    /** The batcher of texts (for tests). */
    Batcher<int[]> texts() {
        return texts;
    }

    /** The batcher of images (for tests). */
    Batcher<Tensor> images() {
        return images;
    }

    /** From now on batches run without waiting to fill: the server is stopping. */
    void flush() {
        texts.flush();
        images.flush();
    }

    /** Takes no more requests; returns once those taken are answered. */
    @Override
    public void close() {
        texts.close();
        images.close();
    }

    /** The rows, or the encoder's exception as the endpoints' error handlers take it; cancelled if the connection idles out or fails meanwhile. */
    private static float[][] await(CompletableFuture<float[][]> rows, Context ctx) {
        Request request = ServletContextRequest.getServletContextRequest(ctx.req());
        // The servlet layer ignores an idle timeout while a request is handled; here it ends the wait, and the
        // request is answered (the client may be gone).
        request.addIdleTimeoutListener(_ -> {
            rows.cancel(false);
            return false;
        });
        request.addFailureListener(_ -> rows.cancel(false));
        try {
            return rows.get();
        } catch (CancellationException e) {
            throw new HttpResponseException(HttpStatus.REQUEST_TIMEOUT.getCode(), "the connection was idle for "
                    + TrafficLimits.seconds(Duration.ofMillis(request.getConnectionMetaData().getConnection().getEndPoint().getIdleTimeout()))
                    + " (this server's idle timeout) while the request waited for its batch");
        } catch (InterruptedException e) {
            rows.cancel(false);
            Thread.currentThread().interrupt();
            throw stopping();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RejectedExecutionException _ -> throw stopping();
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static HttpResponseException stopping() {
        return new HttpResponseException(HttpStatus.SERVICE_UNAVAILABLE.getCode(), "the server is stopping");
    }
}
