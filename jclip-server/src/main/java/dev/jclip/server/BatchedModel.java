package dev.jclip.server;

import dev.jclip.api.ClipModel;
import dev.jclip.tensor.Tensor;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The model's two towers behind a {@link Batcher} each, so that the texts and the images of
 * concurrent requests are encoded in shared batches; each request gets the same rows as
 * {@link ClipModel#embedTexts} and {@link ClipModel#embedPreprocessed} give it alone.
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

    /** Embeddings of texts, one row per text in order: tokenized here, encoded in shared batches. */
    float[][] embedTexts(List<String> list) {
        return await(texts.submit(Arrays.asList(model.tokenize(list))));
    }

    /** Embeddings of preprocessed images, one row per image in order, encoded in shared batches. */
    float[][] embedPreprocessed(List<Tensor> list) {
        return await(images.submit(list));
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

    /** The rows, or the encoder's exception as the endpoints' error handlers take it. */
    private static float[][] await(CompletableFuture<float[][]> rows) {
        try {
            return rows.get();
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
