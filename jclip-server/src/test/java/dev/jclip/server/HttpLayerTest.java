package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.api.ClipModel;
import dev.jclip.server.Http.Answer;
import dev.jclip.server.RawHttp.Reply;
import dev.jclip.testing.RequiresShared;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer over bare sockets: requests it refuses before any endpoint sees them answer the
 * endpoints' JSON error with their status; a body that breaks off is one line in the log; bodies
 * read ahead of the endpoints still serve kept-alive connections and {@code Expect: 100-continue}.
 */
@RequiresShared
class HttpLayerTest {
    static ClipModel model;
    static ClipServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        model = ClipModel.load(ClipServerTest.VIT, ClipServerTest.VOCAB);
        server = ClipServer.start(model, null, ServerConfig.defaults().withPort(0));
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** {@code status} with exactly {@code {"error": message}}, as JSON. */
    static void assertJsonError(int status, String message, Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/json", reply.headers().get("content-type"), reply.headers().toString());
        assertEquals("{\"error\":" + Http.JSON.valueToTree(message) + "}", reply.body());
    }

    static String post(String contentLength) {
        return "POST /embed/texts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\nConnection: close\r\n\r\n{\"texts\": [\"a\"]}";
    }

    @Test
    void aNegativeOrNonNumericContentLengthIs400() throws IOException {
        assertJsonError(400, "malformed request: Invalid Content-Length Value", RawHttp.exchange(server.port(), post("-5")));
        assertJsonError(400, "malformed request: Invalid Content-Length Value", RawHttp.exchange(server.port(), post("sixteen")));
    }

    @Test
    void headersOverTheLimitAre431AndALongUriIs414() throws IOException {
        String big = "x".repeat(ClipServer.MAX_HEADER_BYTES);
        assertJsonError(431, "the request headers are larger than this server's limit of 8192 bytes",
                RawHttp.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: test\r\nX-Big: " + big + "\r\nConnection: close\r\n\r\n"));
        assertJsonError(414, "the request URI is longer than this server's limit of 8192 bytes",
                RawHttp.exchange(server.port(), "GET /health?q=" + big + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void aBrokenRequestLineIs400Or505() throws IOException {
        assertJsonError(400, "malformed request: No URI", RawHttp.exchange(server.port(), "GET\r\n\r\n"));
        assertJsonError(400, "malformed request: Illegal character CNTL=0x1", RawHttp.exchange(server.port(), "G\u0001T / HTTP/1.1\r\n\r\n"));
        assertJsonError(505, "malformed request: Unknown Version", RawHttp.exchange(server.port(), "GET /health HTTP/9.9\r\n\r\n"));
    }

    @Test
    void aMalformedChunkedBodyIs400() throws IOException {
        assertJsonError(400, "malformed request: Early EOF", RawHttp.exchange(server.port(), "POST /embed/texts HTTP/1.1\r\nHost: test\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nab\r\n0\r\n\r\n"));
        assertJsonError(400, "malformed request: Transfer-Encoding and Content-Length", RawHttp.exchange(server.port(),
                "POST /embed/texts HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void aKeptAliveConnectionCarriesRequestAfterRequest() throws IOException {
        String one = "{\"texts\": [\"cat\"]}", two = "{\"texts\": [\"dog\"]}";
        String head = "POST /embed/texts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 18\r\n";
        try (Socket socket = RawHttp.connect(server.port())) {
            // The second waits for 100 Continue before it sends its body.
            socket.getOutputStream().write((head + "\r\n" + one + head + "Expect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder replies = new StringBuilder();
            while (replies.indexOf("HTTP/1.1 100 Continue\r\n\r\n") < 0) {
                int b = socket.getInputStream().read();
                assertTrue(b >= 0, "no 100 Continue in: " + replies);
                replies.append((char) b);
            }
            socket.getOutputStream().write(two.getBytes(StandardCharsets.ISO_8859_1));
            replies.append(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            float[][] expected = model.embedTexts(List.of("cat", "dog"));
            List<String> bodies = new ArrayList<>();
            for (String part : replies.toString().split("HTTP/1.1 ")) {
                if (part.startsWith("200 OK")) {
                    bodies.add(part.substring(part.indexOf("\r\n\r\n") + 4));
                }
            }
            assertEquals(2, bodies.size(), replies.toString());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(expected[i], Http.JSON.readValue(bodies.get(i), ClipServerTest.Embeddings.class).embeddings()[0]);
            }
        }
    }

    @Test
    void embedTextsTakesJsonOnly() throws Exception {
        String body = "{\"texts\": [\"a cat\"]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Answer plain = http.post("/embed/texts", "text/plain", bytes);
        assertEquals(415, plain.status());
        assertEquals("{\"error\":\"POST /embed/texts takes Content-Type application/json {\\\"texts\\\": [\\\"...\\\", ...]}, "
                + "got Content-Type text/plain\"}", plain.body());
        Answer none = http.post("/embed/texts", null, bytes);
        assertEquals(415, none.status());
        assertEquals("{\"error\":\"POST /embed/texts takes Content-Type application/json {\\\"texts\\\": [\\\"...\\\", ...]}, "
                + "got no Content-Type\"}", none.body());
        assertEquals(200, http.post("/embed/texts", "application/json; charset=UTF-8", bytes).status());
    }

    @Test
    void aClientLeavingMidBodyIsOneLineInTheLog() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        int clientPort;
        try {
            try (Socket socket = RawHttp.connect(server.port())) {
                clientPort = socket.getLocalPort();
                OutputStream out = socket.getOutputStream();
                out.write(("POST /embed/texts HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                        + "{\"texts\": ").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Waits.until(() -> server.openConnections() == 1, "the connection is open");
            }
            Waits.until(() -> server.openConnections() == 0, "the server closes the connection");
        } finally {
            root.removeHandler(capture);
        }
        synchronized (capture) {
            assertEquals(1, records.size(), records.stream().map(LogRecord::getMessage).toList().toString());
            LogRecord line = records.get(0);
            assertEquals(Level.INFO, line.getLevel());
            assertEquals(null, line.getThrown());
            assertEquals("the body of POST /embed/texts from client /127.0.0.1:" + clientPort + " broke off after 10 of 1000 bytes (Early EOF)",
                    line.getMessage());
        }
        assertTrue(http.get("/health").status() == 200);
    }
}
