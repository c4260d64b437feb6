package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.api.ClipModel;
import dev.jclip.index.Hit;
import dev.jclip.index.VectorIndex;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More than the server takes at once. Work: one request at work, one waiting, the next refused at
 * once and the waiting one refused when its wait is over, each with 503 and a JSON message. Holding
 * the index's lock keeps the first search at work (and would hold {@code /health} too, which reads
 * the index's size: {@link SlowClientsTest} shows that it needs no slot). Connections: one more than
 * the limit waits, unanswered, until another closes.
 */
@RequiresShared
class SaturationTest {
    static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    static ClipModel model;
    static VectorIndex index;
    static ClipServer server;

    @BeforeAll
    static void start() throws IOException {
        model = ClipModel.load(ClipServerTest.VIT, ClipServerTest.VOCAB);
        try (VectorIndex build = VectorIndex.open(dir, model.id(), model.dimension())) {
            build.upsert("cat.png", 1, 0, model.embedText("a cat"));
            build.upsert("dog.png", 1, 0, model.embedText("a dog"));
        }
        index = VectorIndex.openForSearch(dir, model.id());
        TrafficLimits limits = TrafficLimits.defaults().withWork(1, 1, QUEUE_TIMEOUT);
        server = ClipServer.start(model, index, ServerConfig.defaults().withPort(0).withTraffic(limits));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        index.close();
    }

    HttpRequest get(String path) {
        return HttpRequest.newBuilder(server.uri().resolve(path)).build();
    }

    static void assertBusy(String message, HttpResponse<String> r) {
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
        assertEquals("{\"error\":\"" + message + "\"}", r.body());
    }

    @Test
    void workBeyondTheLimitsIs503() throws Exception {
        BusyLimit busy = server.busy();
        try (HttpClient client = HttpClient.newHttpClient()) {
            CompletableFuture<HttpResponse<String>> atWork, waiting;
            synchronized (index) {
                atWork = client.sendAsync(get("/search?q=cat&k=1"), BodyHandlers.ofString());
                Waits.until(() -> busy.getTotalRequestCount() == 1, "the first search takes the slot");
                waiting = client.sendAsync(get("/search?q=dog&k=1"), BodyHandlers.ofString());
                Waits.until(() -> busy.getSuspendedRequestCount() == 1, "the second search waits");

                assertBusy("the server is busy (at its limits: 1 at work, 1 waiting); try again later",
                        client.send(get("/search?q=bird"), BodyHandlers.ofString()));
                assertBusy("the server is busy (at its limits: 1 at work, 1 waiting); try again later", client.send(
                        HttpRequest.newBuilder(server.uri().resolve("/embed/texts")).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [\"a\"]}")).build(), BodyHandlers.ofString()));
                assertBusy("the server is busy: no slot for work came free within 2 s; try again later", waiting.get());
            }
            HttpResponse<String> first = atWork.get();
            assertEquals(200, first.statusCode(), first.body());
            JsonNode hit = Http.JSON.readTree(first.body()).get("results").get(0);
            Hit expected = index.search(model.embedText("cat"), 1).get(0);
            assertEquals("cat.png", expected.path());
            assertEquals(expected.path(), hit.get("path").textValue());
            assertEquals(expected.score(), hit.get("score").floatValue());
            assertEquals(200, client.send(get("/search?q=dog&k=1"), BodyHandlers.ofString()).statusCode());
        }
        assertEquals(2, busy.getTotalExceededRequestCount());
        assertEquals(1, busy.getTotalExpiredRequestCount());
    }

    @Test
    void connectionsBeyondTheLimitWaitToBeAccepted() throws Exception {
        TrafficLimits limits = TrafficLimits.defaults().withMaxConnections(3);
        try (ClipServer small = ClipServer.start(model, null, ServerConfig.defaults().withPort(0).withTraffic(limits))) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(RawHttp.connect(small.port()));
                }
                Waits.until(() -> small.openConnections() == 3, "three connections accepted");
                Socket fourth = RawHttp.connect(small.port());
                open.add(fourth);
                fourth.getOutputStream().write("GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                fourth.setSoTimeout(500);
                assertThrows(SocketTimeoutException.class, () -> fourth.getInputStream().read(), "no answer while three are open");
                assertEquals(3, small.openConnections());
                open.get(0).close();
                fourth.setSoTimeout(10_000);
                RawHttp.Reply health = RawHttp.read(fourth.getInputStream());
                assertEquals(200, health.status(), health.body());
                assertEquals(model.id(), Http.JSON.readTree(health.body()).get("model").textValue());
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
