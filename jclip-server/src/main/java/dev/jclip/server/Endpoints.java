package dev.jclip.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.api.ClipModel;
import dev.jclip.api.Prediction;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.image.BadImageException;
import dev.jclip.index.Hit;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.RequestBodies.EncodedImage;
import dev.jclip.server.Responses.Classification;
import dev.jclip.server.Responses.Embeddings;
import dev.jclip.server.Responses.Health;
import dev.jclip.server.Responses.IndexStatus;
import dev.jclip.server.Responses.Label;
import dev.jclip.server.Responses.Result;
import dev.jclip.server.Responses.SearchResults;
import dev.jclip.tensor.Tensor;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The request handlers: each reads and checks its input, then asks the model (its embeddings in
 * batches shared with concurrent requests) or the index (one query at a time) and answers JSON.
 */
final class Endpoints {
    /** Largest {@code k} of a search: Lucene keeps k candidates per query. */
    static final int MAX_K = 1000;
    static final int DEFAULT_K = 10;
    /** Labels per image in a classification unless {@code top} says otherwise ({@code jclip classify}'s default). */
    static final int DEFAULT_TOP = 5;

    private static final String TEXTS_BODY = "{\"texts\": [\"...\", ...]}";
    private static final String IMAGE_BODY = "an image body (Content-Type image/*) or multipart/form-data with image files";

    private final ClipModel model;
    private final BatchedModel batched;
    private final VectorIndex index;
    private final ServerConfig config;
    private final RequestBodies bodies;

    Endpoints(ClipModel model, BatchedModel batched, VectorIndex index, ServerConfig config, RequestBodies bodies) {
        this.model = model;
        this.batched = batched;
        this.index = index;
        this.config = config;
        this.bodies = bodies;
    }

    /** {@code GET /health}. */
    void health(Context ctx) throws IOException {
        IndexStatus status = null;
        if (index != null) {
            synchronized (index) {
                status = new IndexStatus(index.folder().toAbsolutePath().toString(), index.size());
            }
        }
        boolean texts = true;
        try {
            model.tokenizer();
        } catch (IllegalStateException e) {
            texts = false;
        }
        ctx.json(new Health(model.id(), model.dimension(), status, texts));
    }

    /** {@code POST /embed/texts} with {@code {"texts": [...]}}; texts longer than the context are cut, as {@link ClipModel#embedTexts} does. */
    void embedTexts(Context ctx) throws IOException {
        JsonNode texts = bodies.jsonObject(ctx, "POST /embed/texts", TEXTS_BODY).get("texts");
        if (texts == null) {
            throw new BadRequestResponse("the JSON body has no \"texts\" field; expected " + TEXTS_BODY);
        }
        if (!texts.isArray()) {
            throw new BadRequestResponse("\"texts\" must be an array of strings, got " + texts);
        }
        if (texts.isEmpty()) {
            throw new BadRequestResponse("\"texts\" is empty: give at least one text");
        }
        if (texts.size() > config.maxTexts()) {
            throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), texts.size()
                    + " texts in one request; this server embeds at most " + config.maxTexts() + " per request");
        }
        List<String> list = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode t = texts.get(i);
            if (!t.isTextual()) {
                throw new BadRequestResponse("texts[" + i + "] is not a string: " + t);
            }
            list.add(t.textValue());
        }
        requireTokenizer();
        ctx.json(new Embeddings(model.id(), batched.embedTexts(list, ctx)));
    }

    /** {@code POST /embed/image}: one embedding per image, in order. */
    void embedImage(Context ctx) throws IOException {
        List<EncodedImage> images = bodies.images(ctx, "POST /embed/image takes " + IMAGE_BODY);
        if (images.size() > config.maxImages()) {
            throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), images.size()
                    + " images in one request; this server embeds at most " + config.maxImages() + " per request");
        }
        List<Tensor> pre = new ArrayList<>(images.size());
        for (EncodedImage image : images) {
            pre.add(preprocess(image));
        }
        ctx.json(new Embeddings(model.id(), batched.embedPreprocessed(pre, ctx)));
    }

    /**
     * {@code POST /classify}, a multipart form: the file part {@code image}, {@code labels} (class
     * names, comma-separated; the field may repeat), optional {@code templates} (one per line, with
     * {@code {}} for the class name; default {@link ClipModel#DEFAULT_TEMPLATES}) and {@code top}.
     */
    void classify(Context ctx) throws IOException {
        if (!ctx.isMultipartFormData()) {
            throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(), "POST /classify takes multipart/form-data "
                    + "with a file part 'image' and a field 'labels' (comma-separated class names), got Content-Type "
                    + (ctx.contentType() == null ? "none" : ctx.contentType()));
        }
        EncodedImage image = bodies.file(ctx, "image", "the image to classify");
        List<String> labelFields = bodies.fields(ctx, "labels");
        if (labelFields.isEmpty()) {
            throw new BadRequestResponse("the multipart form has no field 'labels' (comma-separated class names)");
        }
        List<String> labels = new ArrayList<>();
        for (String field : labelFields) {
            for (String label : field.split(",", -1)) {
                labels.add(label.strip());
            }
        }
        List<String> templates = new ArrayList<>();
        for (String field : bodies.fields(ctx, "templates")) {
            field.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(templates::add);
        }
        int top = intField(bodies.fields(ctx, "top"), "top", DEFAULT_TOP);
        if (top < 1) {
            throw new BadRequestResponse("top must be at least 1, got " + top);
        }
        requireTokenizer();
        List<String> prompts = templates.isEmpty() ? ClipModel.DEFAULT_TEMPLATES : templates;
        if ((long) labels.size() * prompts.size() > config.maxTexts()) {
            throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), labels.size() + " labels × "
                    + prompts.size() + " templates make " + (long) labels.size() * prompts.size()
                    + " prompts; this server embeds at most " + config.maxTexts() + " texts per request");
        }
        // The image is decoded first: a bad one fails before the prompts are embedded.
        Tensor pixels = preprocess(image);
        ZeroShotClassifier classifier = model.classifier(labels, prompts);
        float[] embedding = batched.embedPreprocessed(List.of(pixels), ctx)[0];
        List<Label> best = new ArrayList<>();
        for (Prediction p : classifier.top(embedding, top)) {
            best.add(new Label(p.label(), p.probability()));
        }
        ctx.json(new Classification(model.id(), classifier.kind().name().toLowerCase(Locale.ROOT), best));
    }

    /** {@code GET /search?q=TEXT[&k=10][&exact=true]}: the indexed items nearest to a text. */
    void searchText(Context ctx) throws IOException {
        VectorIndex idx = requireIndex();
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank()) {
            throw new BadRequestResponse("query parameter q (the text to search for) is missing or empty");
        }
        int k = k(ctx);
        boolean exact = exact(ctx);
        requireTokenizer();
        ctx.json(new SearchResults(q, search(idx, batched.embedTexts(List.of(q), ctx)[0], k, exact)));
    }

    /** {@code POST /search[?k=10][&exact=true]} with one image: the indexed items nearest to it. */
    void searchImage(Context ctx) throws IOException {
        VectorIndex idx = requireIndex();
        int k = k(ctx);
        boolean exact = exact(ctx);
        List<EncodedImage> images = bodies.images(ctx, "POST /search takes " + IMAGE_BODY.replace("image files", "one image file"));
        if (images.size() != 1) {
            throw new BadRequestResponse("POST /search takes one image, got " + images.size());
        }
        EncodedImage image = images.get(0);
        float[] query = batched.embedPreprocessed(List.of(preprocess(image)), ctx)[0];
        ctx.json(new SearchResults(image.name(), search(idx, query, k, exact)));
    }

    private List<Result> search(VectorIndex idx, float[] query, int k, boolean exact) throws IOException {
        List<Hit> hits;
        synchronized (idx) {
            hits = exact ? idx.searchExact(query, k) : idx.search(query, k);
        }
        return hits.stream().map(Result::of).toList();
    }

    private Tensor preprocess(EncodedImage image) throws BadImageException {
        return model.preprocessor().preprocess(image.bytes(), image.name());
    }

    private VectorIndex requireIndex() {
        if (index == null) {
            throw new HttpResponseException(HttpStatus.CONFLICT.getCode(),
                    "this server has no index: start it with an index folder (jclip serve --index DIR, built by jclip index) to search");
        }
        return index;
    }

    private void requireTokenizer() {
        try {
            model.tokenizer();
        } catch (IllegalStateException e) {
            throw new HttpResponseException(HttpStatus.CONFLICT.getCode(), "this server cannot embed texts: " + e.getMessage());
        }
    }

    private static int k(Context ctx) {
        int k = intField(ctx.queryParams("k"), "k", DEFAULT_K);
        if (k < 1 || k > MAX_K) {
            throw new BadRequestResponse("k must be in [1, " + MAX_K + "], got " + k);
        }
        return k;
    }

    private static boolean exact(Context ctx) {
        String exact = ctx.queryParam("exact");
        if (exact == null || exact.equals("false")) {
            return false;
        }
        if (exact.equals("true")) {
            return true;
        }
        throw new BadRequestResponse("exact must be true or false, got '" + exact + "'");
    }

    /** The one integer in {@code values}, or {@code otherwise} when there is none. */
    private static int intField(List<String> values, String name, int otherwise) {
        if (values.isEmpty()) {
            return otherwise;
        }
        if (values.size() > 1) {
            throw new BadRequestResponse(name + " is given " + values.size() + " times");
        }
        try {
            return Integer.parseInt(values.get(0).strip());
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be an integer, got '" + values.get(0) + "'");
        }
    }
}
