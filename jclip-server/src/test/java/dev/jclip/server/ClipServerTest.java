package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.api.ClipModel;
import dev.jclip.api.Prediction;
import dev.jclip.index.Hit;
import dev.jclip.index.VectorIndex;
import dev.jclip.server.Http.Answer;
import dev.jclip.server.Http.Part;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on an ephemeral port, called over HTTP: every answer equals what {@link ClipModel},
 * {@link dev.jclip.api.ZeroShotClassifier} and {@link VectorIndex} give for the same input, and
 * every bad request gets its 4xx status and a JSON message naming the problem.
 */
@RequiresShared
class ClipServerTest {
    static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    /** The original vocabulary; the loader cuts it to the fixture's 1000 ids. */
    static final Path VOCAB = Shared.path("clip/bpe_simple_vocab_16e6.txt.gz");
    static final int SMALL_BODY = 3000;

    @TempDir
    static Path dir;

    static ClipModel model;
    static VectorIndex index;
    static List<Path> images = new ArrayList<>();
    /** With the vocabulary and the index, default limits. */
    static ClipServer full;
    /** Without vocabulary or index; bodies of at most {@link #SMALL_BODY} bytes, 2 texts and 2 images per request. */
    static ClipServer bare;
    static Http http, bareHttp;

    /** Embedding rows as the server writes them. */
    record Embeddings(String model, float[][] embeddings) {}

    @BeforeAll
    static void start() throws IOException {
        model = ClipModel.load(VIT, VOCAB);
        Path indexDir = dir.resolve("index");
        try (VectorIndex build = VectorIndex.open(indexDir, model.id(), model.dimension())) {
            for (int i = 0; i < 5; i++) {
                Path file = Files.write(dir.resolve("p" + i + ".png"), png(i + 1));
                images.add(file);
                build.upsert(file.toString(), Files.size(file), 0, model.embedImage(file));
            }
        }
        index = VectorIndex.openForSearch(indexDir, model.id());
        full = ClipServer.start(model, index, ServerConfig.defaults().withPort(0));
        bare = ClipServer.start(ClipModel.load(VIT), null, new ServerConfig("127.0.0.1", 0, SMALL_BODY, 2, 2));
        http = new Http(full.uri());
        bareHttp = new Http(bare.uri());
    }

    @AfterAll
    static void stop() throws IOException {
        full.close();
        bare.close();
        index.close();
    }

    /** A 32x32 PNG with a pattern that depends on {@code seed}. */
    static byte[] png(int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int r = (x * 8 + seed * 50) & 0xFF, g = (y * 8 + seed * 90) & 0xFF, b = (seed * 70 + x * y) & 0xFF;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A JSON error with {@code status} whose message contains {@code part}. */
    static void assertError(Answer a, int status, String part) {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.contentType() != null && a.contentType().startsWith("application/json"), a.contentType());
        JsonNode body = a.json();
        assertEquals(List.of("error"), fieldNames(body), a.body());
        assertTrue(body.get("error").textValue().contains(part), "expected '" + part + "' in: " + body.get("error").textValue());
        assertTrue(!a.body().contains("\tat ") && !a.body().contains("Exception"), "no stack trace or exception class: " + a.body());
    }

    // ---------------------------------------------------------------- answers equal the library's

    @Test
    void healthNamesModelDimensionAndIndex() throws Exception {
        Answer a = http.get("/health");
        assertEquals(200, a.status(), a.body());
        JsonNode h = a.json();
        assertEquals(List.of("model", "dim", "index", "texts"), fieldNames(h));
        assertEquals(model.id(), h.get("model").textValue());
        assertEquals(model.dimension(), h.get("dim").intValue());
        assertEquals(dir.resolve("index").toAbsolutePath().toString(), h.get("index").get("path").textValue());
        assertEquals(5, h.get("index").get("count").intValue());
        assertTrue(bareHttp.get("/health").json().get("index").isNull());
    }

    @Test
    void embedTextsEqualsTheModelsEmbeddings() throws Exception {
        // The last is far longer than the 77-token context: cut, as ClipModel.embedTexts and jclip embed do.
        List<String> texts = List.of("a photo of a cat", "a dog", "red ".repeat(200).strip());
        Answer a = http.postJson("/embed/texts", Http.JSON.writeValueAsString(java.util.Map.of("texts", texts)));
        assertEquals(200, a.status(), a.body());
        assertEquals(List.of("model", "embeddings"), fieldNames(a.json()));
        Embeddings got = a.as(Embeddings.class);
        assertEquals(model.id(), got.model());
        float[][] expected = model.embedTexts(texts);
        assertEquals(3, got.embeddings().length);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], got.embeddings()[i], "text " + i);
        }
        assertNotEquals(expected[0][0], expected[1][0]);
    }

    @Test
    void embedImageEqualsTheModelsEmbeddings() throws Exception {
        byte[] one = png(7), two = png(8);
        Answer raw = http.post("/embed/image", "image/png", one);
        assertEquals(200, raw.status(), raw.body());
        Embeddings got = raw.as(Embeddings.class);
        assertEquals(model.id(), got.model());
        assertEquals(1, got.embeddings().length);
        assertArrayEquals(model.embedImage(one), got.embeddings()[0]);

        Answer form = http.postForm("/embed/image", List.of(Part.file("a", "seven.png", one), Part.field("note", "ignored"),
                Part.file("b", "eight.png", two)));
        assertEquals(200, form.status(), form.body());
        float[][] rows = form.as(Embeddings.class).embeddings();
        float[][] expected = model.embedPreprocessed(List.of(model.preprocessor().preprocess(one, "one"),
                model.preprocessor().preprocess(two, "two")));
        assertEquals(2, rows.length);
        assertArrayEquals(expected[0], rows[0]);
        assertArrayEquals(expected[1], rows[1]);
    }

    @Test
    void classifyEqualsTheZeroShotClassifier() throws Exception {
        byte[] image = png(3);
        List<String> labels = List.of("cat", "dog", "red car");
        float[] embedding = model.embedImage(image);
        for (boolean customTemplates : new boolean[] {false, true}) {
            List<String> templates = customTemplates ? List.of("a photo of a {}.", "art of the {}") : ClipModel.DEFAULT_TEMPLATES;
            List<Part> parts = new ArrayList<>(List.of(Part.file("image", "three.png", image), Part.field("labels", "cat, dog"),
                    Part.field("labels", "red car"), Part.field("top", "2")));
            if (customTemplates) {
                parts.add(Part.field("templates", "a photo of a {}.\n\nart of the {}\n"));
            }
            Answer a = http.postForm("/classify", parts);
            assertEquals(200, a.status(), a.body());
            JsonNode body = a.json();
            assertEquals(List.of("model", "probabilities", "labels"), fieldNames(body));
            assertEquals("softmax", body.get("probabilities").textValue());
            List<Prediction> expected = model.classifier(labels, templates).top(embedding, 2);
            JsonNode got = body.get("labels");
            assertEquals(2, got.size());
            for (int k = 0; k < 2; k++) {
                assertEquals(List.of("label", "prob"), fieldNames(got.get(k)));
                assertEquals(expected.get(k).label(), got.get(k).get("label").textValue());
                assertEquals(expected.get(k).probability(), got.get(k).get("prob").floatValue());
            }
        }
    }

    @Test
    void searchEqualsTheIndexsSearch() throws Exception {
        String q = "a photo of a dog";
        for (boolean exact : new boolean[] {false, true}) {
            Answer a = http.get("/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=3" + (exact ? "&exact=true" : ""));
            assertEquals(200, a.status(), a.body());
            float[] v = model.embedText(q);
            assertHits(exact ? index.searchExact(v, 3) : index.search(v, 3), q, a.json());
        }
        byte[] query = Files.readAllBytes(images.get(2));
        Answer byImage = http.post("/search?exact=true", "image/png", query);
        assertEquals(200, byImage.status(), byImage.body());
        List<Hit> expected = index.searchExact(model.embedImage(query), Endpoints.DEFAULT_K);
        assertEquals(images.get(2).toString(), expected.get(0).path());
        assertHits(expected, "request body (image/png)", byImage.json());
    }

    static void assertHits(List<Hit> expected, String query, JsonNode body) {
        assertEquals(List.of("query", "results"), fieldNames(body));
        assertEquals(query, body.get("query").textValue());
        JsonNode results = body.get("results");
        assertEquals(expected.size(), results.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(List.of("path", "score", "id"), fieldNames(results.get(i)));
            assertEquals(expected.get(i).path(), results.get(i).get("path").textValue(), "rank " + i);
            assertEquals(expected.get(i).score(), results.get(i).get("score").floatValue(), "score " + i);
        }
    }

    // ---------------------------------------------------------------- bad requests

    @Test
    void badJsonBodies() throws Exception {
        Answer truncated = http.postJson("/embed/texts", "{\"texts\": [\"a\"");
        assertError(truncated, 400, "the request body is not valid JSON at line 1, column 15 (Unexpected end-of-input");
        assertTrue(!truncated.body().contains("Source"), truncated.body());
        assertError(http.postJson("/embed/texts", ""), 400, "the request body is empty");
        assertError(http.postJson("/embed/texts", "{\"texts\": [\"a\"]} {}"), 400, "the request body is not valid JSON at line 1, column 18 (Trailing token");
        assertError(http.postJson("/embed/texts", "[\"a\"]"), 400, "must be a JSON object");
        assertError(http.postJson("/embed/texts", "{\"texts\": [\"a\"], \"texts\": [\"b\"]}"), 400,
                "the request body is not valid JSON at line 1, column 25 (Duplicate field 'texts')");
        assertError(http.postJson("/embed/texts", "{\"text\": [\"a\"]}"), 400, "no \"texts\" field");
        assertError(http.postJson("/embed/texts", "{\"texts\": \"a\"}"), 400, "\"texts\" must be an array of strings");
        assertError(http.postJson("/embed/texts", "{\"texts\": []}"), 400, "\"texts\" is empty");
        assertError(http.postJson("/embed/texts", "{\"texts\": [\"a\", 5]}"), 400, "texts[1] is not a string: 5");
        assertError(bareHttp.postJson("/embed/texts", "{\"texts\": [\"a\", \"b\", \"c\"]}"), 413,
                "3 texts in one request; this server embeds at most 2");
    }

    @Test
    void textsNeedAVocabulary() throws Exception {
        assertError(bareHttp.postJson("/embed/texts", "{\"texts\": [\"a\"]}"), 409, "this server cannot embed texts: no tokenizer for model");
        assertError(bareHttp.postForm("/classify", List.of(Part.file("image", "x.png", png(1)), Part.field("labels", "a,b"))), 409,
                "no tokenizer");
    }

    @Test
    void badImages() throws Exception {
        byte[] junk = "not an image at all".getBytes(StandardCharsets.UTF_8);
        assertError(http.post("/embed/image", "image/png", junk), 400, "request body (image/png): ");
        assertError(http.postForm("/embed/image", List.of(Part.file("a", "good.png", png(1)), Part.file("b", "broken.png", junk))), 400,
                "file part 2 (broken.png): ");
        assertError(http.postForm("/embed/image", List.of(Part.field("labels", "a"))), 400, "the multipart form has no file part");
        assertError(http.post("/embed/image", "multipart/form-data; boundary=xyz", junk), 400, "the multipart form cannot be read: ");
        assertError(http.post("/embed/image", "text/plain", junk), 415, "POST /embed/image takes an image body");
        assertError(http.postForm("/classify", List.of(Part.file("image", "broken.png", junk), Part.field("labels", "a,b"))), 400,
                "file part 'image' (broken.png): ");
        assertError(http.post("/search", "image/jpeg", junk), 400, "request body (image/jpeg): ");
    }

    @Test
    void bodiesOverTheLimitAreRefused() throws Exception {
        byte[] big = new byte[SMALL_BODY + 1];
        String message = "larger than this server's limit of " + SMALL_BODY + " bytes";
        assertError(bareHttp.post("/embed/image", "image/png", big), 413, message);
        // Without a declared length the body is read only up to the limit.
        assertError(bareHttp.postChunked("/embed/image", "image/png", big), 413, message);
        assertError(bareHttp.postChunked("/embed/texts", "application/json", big), 413, message);
        assertError(bareHttp.postForm("/embed/image", List.of(Part.file("a", "big.png", big))), 413, message);
        assertError(bareHttp.postFormChunked("/embed/image", List.of(Part.file("a", "big.png", big))), 413, message);
        assertError(bareHttp.postFormChunked("/classify", List.of(Part.field("labels", "a".repeat(SMALL_BODY)),
                Part.file("image", "one.png", png(1)))), 413, message);
        // At the limit, the body is read (and found not to be an image).
        assertError(bareHttp.post("/embed/image", "image/png", new byte[SMALL_BODY]), 400, "request body (image/png): ");
    }

    @Test
    void requestsOverTheItemLimitsAreRefused() throws Exception {
        int images = ServerConfig.DEFAULT_MAX_IMAGES + 1;
        List<Part> files = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            files.add(Part.file("f" + i, i + ".png", png(1)));
        }
        assertError(http.postForm("/embed/image", files), 413, images + " images in one request; this server embeds at most "
                + ServerConfig.DEFAULT_MAX_IMAGES + " per request");
        // Labels × templates are the texts a classification embeds: checked before anything is embedded.
        int templates = ClipModel.DEFAULT_TEMPLATES.size(), labels = ServerConfig.DEFAULT_MAX_TEXTS / templates + 1;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            names.add("label" + i);
        }
        assertError(http.postForm("/classify", List.of(Part.file("image", "one.png", png(1)), Part.field("labels", String.join(",", names)))),
                413, labels + " labels × " + templates + " templates make " + labels * templates + " prompts; this server embeds at most "
                        + ServerConfig.DEFAULT_MAX_TEXTS + " texts per request");
    }

    @Test
    void badClassifyForms() throws Exception {
        Part image = Part.file("image", "one.png", png(1));
        assertError(http.postJson("/classify", "{}"), 415, "POST /classify takes multipart/form-data");
        assertError(http.postForm("/classify", List.of(Part.field("labels", "a,b"))), 400, "no file part 'image'");
        assertError(http.postForm("/classify", List.of(image)), 400, "no field 'labels'");
        assertError(http.postForm("/classify", List.of(image, Part.field("labels", "a,,b"))), 400, "class names must not be blank");
        assertError(http.postForm("/classify", List.of(image, Part.field("labels", "a,b,a"))), 400, "class name 'a' is given twice");
        assertError(http.postForm("/classify", List.of(image, Part.field("labels", "a"), Part.field("templates", "a photo"))), 400,
                "template 'a photo' has no {} for the class name");
        assertError(http.postForm("/classify", List.of(image, Part.field("labels", "a"), Part.field("top", "0"))), 400,
                "top must be at least 1, got 0");
        assertError(http.postForm("/classify", List.of(image, Part.field("labels", "a"), Part.field("top", "two"))), 400,
                "top must be an integer, got 'two'");
    }

    @Test
    void badSearches() throws Exception {
        assertError(bareHttp.get("/search?q=cat"), 409, "this server has no index");
        assertError(bareHttp.post("/search", "image/png", png(1)), 409, "this server has no index");
        assertError(http.get("/search"), 400, "query parameter q");
        assertError(http.get("/search?q=cat&k=0"), 400, "k must be in [1, 1000], got 0");
        assertError(http.get("/search?q=cat&k=ten"), 400, "k must be an integer, got 'ten'");
        assertError(http.get("/search?q=cat&exact=yes"), 400, "exact must be true or false, got 'yes'");
        assertError(http.postForm("/search", List.of(Part.file("a", "1.png", png(1)), Part.file("b", "2.png", png(2)))), 400,
                "POST /search takes one image, got 2");
    }

    @Test
    void unknownEndpointsAndMethods() throws Exception {
        assertError(http.get("/embed"), 404, "GET /embed not found");
        assertError(http.get("/embed/texts"), 405, "GET /embed/texts is not an endpoint; /embed/texts takes POST");
    }

    @Test
    void aBusyPortIsReportedByAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> ClipServer.start(model, null, ServerConfig.defaults().withPort(port)));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
        }
    }

    @Test
    void anApiKeyGuardsEveryEndpointButHealth() throws Exception {
        String key = "k3y-0123456789-abcdef";
        try (ClipServer keyed = ClipServer.start(model, index, ServerConfig.defaults().withPort(0).withApiKey(key))) {
            Http none = new Http(keyed.uri()), wrong = new Http(keyed.uri(), "Bearer " + key + "x"),
                    right = new Http(keyed.uri(), "Bearer " + key);
            String body = Http.JSON.writeValueAsString(java.util.Map.of("texts", List.of("a photo of a cat")));
            assertEquals(200, none.get("health").status());

            Answer missing = none.postJson("embed/texts", body);
            assertEquals(401, missing.status());
            assertEquals("Bearer", missing.authenticate());
            assertEquals("this server needs an API key: send 'Authorization: Bearer <key>'", missing.json().get("error").asText());
            Answer bad = wrong.postJson("embed/texts", body);
            assertEquals(401, bad.status());
            assertEquals("wrong API key", bad.json().get("error").asText());
            assertEquals(401, none.get("search?q=cat").status());
            // Refused before the body is read: a stranger's oversized upload gets 401, not 413.
            assertEquals(401, none.postExpectingContinue("embed/image", "image/png",
                    new byte[(int) (ServerConfig.DEFAULT_MAX_BODY_BYTES + 1)]).status());

            Answer ok = right.postJson("embed/texts", body);
            assertEquals(200, ok.status(), ok.body());
            assertArrayEquals(model.embedTexts(List.of("a photo of a cat"))[0], ok.as(Embeddings.class).embeddings()[0]);
            assertEquals(200, right.get("search?q=cat").status());
        }
    }

    @Test
    void configurationIsChecked() {
        Iterator<Runnable> bad = List.<Runnable>of(
                () -> new ServerConfig("", 80, 1, 1, 1),
                () -> new ServerConfig("127.0.0.1", 70000, 1, 1, 1),
                () -> new ServerConfig("127.0.0.1", 80, 0, 1, 1),
                () -> new ServerConfig("127.0.0.1", 80, 1, 0, 1),
                () -> new ServerConfig("127.0.0.1", 80, 1, 1, 0),
                () -> ServerConfig.defaults().withApiKey("short"),
                () -> ServerConfig.defaults().withApiKey("sixteen chars ok"),
                () -> TrafficLimits.defaults().withMaxConnections(0),
                () -> TrafficLimits.defaults().withWork(0, 1, Duration.ofSeconds(1)),
                () -> TrafficLimits.defaults().withWork(1, -1, Duration.ofSeconds(1)),
                () -> TrafficLimits.defaults().withWork(1, 1, Duration.ZERO),
                () -> TrafficLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(1))).iterator();
        List<String> messages = new ArrayList<>();
        while (bad.hasNext()) {
            messages.add(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, bad.next()::run).getMessage());
        }
        assertEquals(List.of("the host to listen on must not be empty", "port must be in [0, 65535], got 70000",
                "the body limit must be in [1, 2147483639] bytes, got 0", "the limit of texts per request must be at least 1, got 0",
                "the limit of images per request must be at least 1, got 0",
                "the API key must be at least 16 printable ASCII characters without spaces, got 5 characters",
                "the API key must be at least 16 printable ASCII characters without spaces, got 16 characters",
                "the connection limit must be at least 1, got 0", "the limit of requests at work must be at least 1, got 0",
                "the limit of waiting requests must not be negative, got -1", "the queue timeout must be at least 1 ms, got PT0S",
                "the header timeout (1.5 s) must not exceed the request timeout (1 s): the headers are part of the request"),
                messages);
        String shown = ServerConfig.defaults().withApiKey("secret-0123456789").toString();
        assertTrue(shown.contains("apiKey=set") && !shown.contains("secret"), shown);
    }
}
