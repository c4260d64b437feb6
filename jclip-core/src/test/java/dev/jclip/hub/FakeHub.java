package dev.jclip.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local server with the Hugging Face hub's URL layout and headers, for tests that must not use
 * the network: {@code HEAD/GET /{org}/{name}/resolve/{revision}/{file}} answers with
 * {@code X-Repo-Commit} and an {@code ETag} (the git blob id) for small files, or a redirect to
 * {@code /cdn/{sha256}} on another host name with {@code X-Linked-Etag}/{@code X-Linked-Size} for
 * LFS files; the storage honours {@code Range}. Missing files answer 404 with
 * {@code X-Error-Code: EntryNotFound}, unknown repositories 401, as the hub does.
 */
final class FakeHub implements AutoCloseable {
    /** A file of a repository. */
    private record Entry(byte[] bytes, boolean lfs) {}

    private final HttpServer server;
    private final Map<String, Map<String, Entry>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> commits = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private volatile int breakAfter = -1, breaks;
    private volatile byte[] corruptTo;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The hub's address, by host name; its storage is on {@code 127.0.0.1}, another host for the client. */
    URI endpoint() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    /** Adds or replaces {@code file} in {@code repo}, making a new commit. */
    FakeHub put(String repo, String file, byte[] bytes, boolean lfs) {
        repos.computeIfAbsent(repo, r -> new LinkedHashMap<>()).put(file, new Entry(bytes, lfs));
        commits.put(repo, hex(digest("SHA-1", (repo + repos.get(repo).size() + System.nanoTime()).getBytes(StandardCharsets.UTF_8))));
        if (lfs) {
            cdn.put(hex(digest("SHA-256", bytes)), bytes);
        }
        return this;
    }

    /** The current commit of {@code repo}. */
    String commit(String repo) {
        return commits.get(repo);
    }

    /** {@code from} now redirects (relatively) to {@code to}, as the hub does for a renamed repository. */
    void rename(String from, String to) {
        renamed.put(from, to);
    }

    /** {@code repo} answers only requests with {@code Authorization: Bearer token}: 401 without one, 403 with another. */
    void gate(String repo, String token) {
        tokens.put(repo, token);
    }

    /** The next {@code times} storage downloads stop after {@code bytes} bytes, as a broken connection does. */
    void breakDownloads(int bytes, int times) {
        breakAfter = bytes;
        breaks = times;
    }

    /** Storage downloads send {@code bytes} instead of a file's contents. */
    void corrupt(byte[] bytes) {
        corruptTo = bytes;
    }

    /** Every request so far: {@code METHOD path [auth] [range]}. */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath(), auth = ex.getRequestHeaders().getFirst("Authorization");
            String range = ex.getRequestHeaders().getFirst("Range");
            log.add(ex.getRequestMethod() + " " + path + (auth != null ? " " + auth : "") + (range != null ? " " + range : ""));
            if (path.startsWith("/cdn/")) {
                storage(ex, path.substring(5), range);
                return;
            }
            String[] p = path.split("/", 6);
            if (p.length < 6 || !p[3].equals("resolve")) {
                send(ex, 400, new byte[0]);
                return;
            }
            String repo = p[1] + "/" + p[2], file = java.net.URLDecoder.decode(p[5], StandardCharsets.UTF_8);
            if (renamed.containsKey(repo)) {
                ex.getResponseHeaders().add("Location", "/" + renamed.get(repo) + "/resolve/" + p[4] + "/" + p[5]);
                send(ex, 307, new byte[0]);
                return;
            }
            String token = tokens.get(repo);
            if (!repos.containsKey(repo) || token != null && auth == null) {
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                send(ex, 401, new byte[0]);
                return;
            }
            if (token != null && !auth.equals("Bearer " + token)) {
                ex.getResponseHeaders().add("X-Error-Code", "GatedRepo");
                send(ex, 403, new byte[0]);
                return;
            }
            String commit = commits.get(repo), revision = java.net.URLDecoder.decode(p[4], StandardCharsets.UTF_8);
            if (!revision.equals("main") && !revision.equals(commit)) {
                ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
                send(ex, 404, new byte[0]);
                return;
            }
            ex.getResponseHeaders().add("X-Repo-Commit", commit);
            Entry e = repos.get(repo).get(file);
            if (e == null) {
                ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                send(ex, 404, new byte[0]);
                return;
            }
            if (e.lfs) {
                String sha = hex(digest("SHA-256", e.bytes));
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(e.bytes.length));
                ex.getResponseHeaders().add("ETag", "\"some-other-etag\"");
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/cdn/" + sha);
                send(ex, 302, new byte[0]);
                return;
            }
            byte[] header = ("blob " + e.bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
            byte[] blob = new byte[header.length + e.bytes.length];
            System.arraycopy(header, 0, blob, 0, header.length);
            System.arraycopy(e.bytes, 0, blob, header.length, e.bytes.length);
            ex.getResponseHeaders().add("ETag", "\"" + hex(digest("SHA-1", blob)) + "\"");
            send(ex, 200, e.bytes);
        }
    }

    private void storage(HttpExchange ex, String sha, String range) throws IOException {
        byte[] bytes = cdn.get(sha);
        if (bytes == null) {
            send(ex, 404, new byte[0]);
            return;
        }
        if (corruptTo != null) {
            bytes = corruptTo;
        }
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        int status = range != null ? 206 : 200, length = bytes.length - from;
        ex.getResponseHeaders().add("Content-Length", String.valueOf(length));
        ex.sendResponseHeaders(status, length);
        int cut = breaks > 0 ? Math.min(breakAfter, length) : length;
        if (breaks > 0) {
            breaks--;
        }
        OutputStream out = ex.getResponseBody();
        out.write(bytes, from, cut);
        out.flush();
        if (cut < length) {
            // Closing the exchange before the announced length breaks the connection, as a failed transfer does.
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD") || body.length == 0) {
            if (body.length > 0) {
                ex.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            }
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
