package dev.jclip.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A test's HTTP client for one server: requests, multipart bodies, answers as JSON. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "jclip-test-boundary-7f3a";

    /** One part of a multipart form: a field when {@code filename} is null, a file otherwise. */
    record Part(String name, String filename, String contentType, byte[] content) {
        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Part file(String name, String filename, byte[] content) {
            return new Part(name, filename, "image/png", content);
        }
    }

    /** A status, a body and the {@code WWW-Authenticate} header (null when absent). */
    record Answer(int status, String contentType, String body, String authenticate) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (status " + status + "): " + body, e);
            }
        }

        <T> T as(Class<T> type) throws IOException {
            return JSON.readValue(body, type);
        }
    }

    private final URI base;
    /** The value of every request's {@code Authorization} header, or null for none. */
    private final String authorization;

    Http(URI base) {
        this(base, null);
    }

    Http(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return post(path, contentType, BodyPublishers.ofByteArray(body));
    }

    /**
     * Posts {@code body} with {@code Expect: 100-continue}, as clients send large uploads: the body
     * follows only once the server asks for it, so a refusal before the body is read arrives whole
     * (sent straight away, the unread body can make the closing server reset the connection first).
     */
    Answer postExpectingContinue(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).expectContinue(true).header("Content-Type", contentType)
                .POST(BodyPublishers.ofByteArray(body)));
    }

    /** Posts {@code body} without a declared length (chunked transfer). */
    Answer postChunked(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return post(path, contentType, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    }

    Answer postJson(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    Answer postForm(String path, List<Part> parts) throws IOException, InterruptedException {
        return post(path, "multipart/form-data; boundary=" + BOUNDARY, multipart(parts));
    }

    /** {@link #postForm} without a declared length (chunked transfer). */
    Answer postFormChunked(String path, List<Part> parts) throws IOException, InterruptedException {
        return postChunked(path, "multipart/form-data; boundary=" + BOUNDARY, multipart(parts));
    }

    private Answer post(String path, String contentType, BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    /**
     * Sends on a new connection: after refusing a body it did not read to the end (too large, or a
     * broken multipart form), the server closes the connection, which a pooled client might reuse.
     */
    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(request.build(), BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(),
                    r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
    }

    static byte[] multipart(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\"");
            if (p.filename() != null) {
                head.append("; filename=\"").append(p.filename()).append("\"\r\nContent-Type: ").append(p.contentType());
            }
            head.append("\r\n\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
