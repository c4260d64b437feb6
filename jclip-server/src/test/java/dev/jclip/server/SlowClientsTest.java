package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.server.ClipServerTest.Embeddings;
import dev.jclip.server.RawHttp.Reply;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 300 clients that send a byte a second (half of them their headers, half their bodies) hold no
 * thread and no slot for work: while they are connected {@code /health} answers within a second and
 * a normal request is served; the timeouts then cut them off and free their connections.
 */
@RequiresShared
class SlowClientsTest {
    static final int SLOW_BODIES = 150, SLOW_HEADERS = 150;
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(4), REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final String SLOW_BODY_HEAD = "POST /embed/texts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n";

    static ClipModel model;
    static ClipServer server;

    @BeforeAll
    static void start() throws IOException {
        model = ClipModel.load(ClipServerTest.VIT, ClipServerTest.VOCAB);
        TrafficLimits limits = TrafficLimits.defaults().withTimeouts(Duration.ofSeconds(30), HEADER_TIMEOUT, REQUEST_TIMEOUT)
                .withMaxConnections(1000);
        server = ClipServer.start(model, null, ServerConfig.defaults().withPort(0).withTraffic(limits));
        // Warm: the checks below, made while the slow clients are connected, then take milliseconds, not a first call's seconds.
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 3; i++) {
                client.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(), BodyHandlers.discarding());
                client.send(embedRequest(), BodyHandlers.discarding());
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest embedRequest() {
        return HttpRequest.newBuilder(server.uri().resolve("/embed/texts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [\"a photo of a cat\"]}")).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One slow client: its socket, when it sent its first byte, and what became of it. */
    record Slow(Socket socket, boolean body, long startNanos, CompletableFuture<Outcome> outcome) {}

    /** What the server did to a slow client: the reply it sent (null: it closed the connection) and when. */
    record Outcome(Reply reply, long nanos) {}

    @Test
    void slowClientsStarveNothingAndAreCutOff() throws Exception {
        float[] cat = model.embedTexts(List.of("a photo of a cat"))[0];
        List<Slow> slow = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < SLOW_BODIES + SLOW_HEADERS; i++) {
                boolean body = i < SLOW_BODIES;
                Socket socket = RawHttp.connect(server.port());
                long start = System.nanoTime();
                // A body client sends its headers and one byte of its body; a header client its request line.
                send(socket, body ? SLOW_BODY_HEAD + "{" : "POST /embed/texts HTTP/1.1\r\n");
                CompletableFuture<Outcome> outcome = new CompletableFuture<>();
                InputStream in = socket.getInputStream();
                Thread.ofVirtual().start(() -> outcome.complete(outcome(in)));
                slow.add(new Slow(socket, body, start, outcome));
            }
            // Then each sends one more byte a second, for as long as the server listens.
            drip.scheduleAtFixedRate(() -> slow.forEach(s -> {
                if (!s.outcome().isDone()) {
                    send(s.socket(), s.body() ? " " : "X");
                }
            }), 1, 1, TimeUnit.SECONDS);
            Waits.until(() -> server.openConnections() >= slow.size(), "all slow clients connected");
            long connected = System.nanoTime();

            long[] health = new long[20];
            long checked;
            try (HttpClient client = HttpClient.newHttpClient()) {
                for (int i = 0; i < health.length; i++) {
                    long t = System.nanoTime();
                    // The request's timeout is the assertion: an answer within a second.
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/health")).timeout(Duration.ofSeconds(1))
                            .build(), BodyHandlers.ofString());
                    health[i] = System.nanoTime() - t;
                    assertEquals(200, r.statusCode(), r.body());
                }
                HttpResponse<String> embed = client.send(embedRequest(), BodyHandlers.ofString());
                checked = System.nanoTime();
                assertEquals(200, embed.statusCode(), embed.body());
                assertArrayEquals(cat, Http.JSON.readValue(embed.body(), Embeddings.class).embeddings()[0]);
            }
            // Every slow client was still connected while those were answered.
            assertTrue(slow.stream().noneMatch(s -> s.outcome().isDone()), "a slow client was cut off before the checks were done");

            long[] bodyCut = new long[SLOW_BODIES], headerCut = new long[SLOW_HEADERS];
            for (int i = 0; i < slow.size(); i++) {
                Slow s = slow.get(i);
                Outcome o = s.outcome().get(30, TimeUnit.SECONDS);
                if (s.body()) {
                    HttpLayerTest.assertJsonError(408, "the request did not arrive within this server's limit of 5 s from its first byte",
                            o.reply());
                    bodyCut[i] = o.nanos() - s.startNanos();
                } else {
                    assertEquals(null, o.reply(), "a client too slow with its headers is cut off without an answer");
                    headerCut[i - SLOW_BODIES] = o.nanos() - s.startNanos();
                }
            }
            Waits.until(() -> server.openConnections() == 0, "the server closes every slow client's connection");
            Arrays.sort(health);
            Arrays.sort(bodyCut);
            Arrays.sort(headerCut);
            long first = slow.get(0).startNanos();
            System.out.printf("%d slow clients connected in %.2f s, checks done %.2f s after the first; /health p50 %.1f ms, max %.1f ms; "
                    + "slow headers cut after %.2f-%.2f s (timeout %s), slow bodies after %.2f-%.2f s (timeout %s)%n", slow.size(),
                    (connected - first) / 1e9, (checked - first) / 1e9, health[health.length / 2] / 1e6,
                    health[health.length - 1] / 1e6, headerCut[0] / 1e9, headerCut[headerCut.length - 1] / 1e9,
                    TrafficLimits.seconds(HEADER_TIMEOUT), bodyCut[0] / 1e9, bodyCut[bodyCut.length - 1] / 1e9,
                    TrafficLimits.seconds(REQUEST_TIMEOUT));
            // The cut-offs are the deadlines: never before them.
            assertTrue(headerCut[0] >= HEADER_TIMEOUT.toNanos() && bodyCut[0] >= REQUEST_TIMEOUT.toNanos());
        } finally {
            drip.shutdownNow();
            for (Slow s : slow) {
                s.socket().close();
            }
        }
    }

    @Test
    void aSilentBodyIsCutByTheIdleTimeout() throws Exception {
        TrafficLimits limits = TrafficLimits.defaults().withTimeouts(Duration.ofMillis(500), HEADER_TIMEOUT, Duration.ofSeconds(30));
        try (ClipServer quick = ClipServer.start(model, null, ServerConfig.defaults().withPort(0).withTraffic(limits));
                Socket socket = RawHttp.connect(quick.port())) {
            send(socket, SLOW_BODY_HEAD + "{");
            HttpLayerTest.assertJsonError(408, "no data arrived for 0.5 s (this server's idle timeout) while reading the request body",
                    RawHttp.read(socket.getInputStream()));
        }
    }

    static void send(Socket socket, String text) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // The server has cut this client off: what it answered, if anything, is its outcome.
        }
    }

    /** Reads until the server ends the connection: its reply, or null when it sent none. */
    static Outcome outcome(InputStream in) {
        Reply reply;
        try {
            reply = RawHttp.read(in);
        } catch (SocketException e) {
            reply = null;
        } catch (IOException e) {
            reply = e.getMessage().equals("no complete reply: ''") ? null : fail(e);
        }
        return new Outcome(reply, System.nanoTime());
    }

    private static Reply fail(IOException e) {
        throw new AssertionError("a slow client's connection ended with a broken reply", e);
    }
}
