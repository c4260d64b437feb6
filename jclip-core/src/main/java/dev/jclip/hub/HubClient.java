package dev.jclip.hub;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files of model repositories on the Hugging Face hub (or a mirror with its URL layout), through
 * the shared cache ({@link HubCache}): a file already cached for the commit a revision names is
 * used as it is; a missing one is downloaded into {@code blobs/{etag}.incomplete} (resumed from
 * its length after an interruption, with HTTP ranges), checked against the hub's SHA-256 (LFS
 * files) or git blob id (small files), and only then moved into place and linked from the
 * snapshot. With {@link HubSettings#offline()}, or when the hub cannot be reached, the cache alone
 * answers.
 */
public final class HubClient {
    private static final System.Logger LOG = System.getLogger(HubClient.class.getName());
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}"), GIT_SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final int MAX_REDIRECTS = 5, ATTEMPTS = 3;

    private final HubSettings settings;
    private final HubCache cache;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.cache = new HubCache(settings.cache());
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client with {@link HubSettings#fromEnvironment()}. */
    public static HubClient fromEnvironment() {
        return new HubClient(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * The local copy of {@code file} in {@code repo} ({@code org/name}) at {@code revision} (a
     * branch, tag or commit), downloaded if needed.
     *
     * @throws FileNotFoundException if the repository has no such file at that revision
     * @throws IOException if the repository or revision does not exist, access is refused, the
     *     download fails or its contents do not match the hub's checksum; each names the file
     */
    public Path file(String repo, String revision, String file) throws IOException {
        return fileIfPresent(repo, revision, file).orElseThrow(() -> new FileNotFoundException(
                "the hub repository " + repo + " has no file " + file + " at revision " + revision));
    }

    /** As {@link #file}, but empty when the repository has no such file. */
    public Optional<Path> fileIfPresent(String repo, String revision, String file) throws IOException {
        checkNames(repo, revision, file);
        String commit = cache.commit(repo, revision);
        if (commit != null && (settings.offline() || HubCache.isCommit(revision))) {
            Path cached = cache.cached(repo, commit, file);
            if (cached != null) {
                return Optional.of(cached);
            }
            if (cache.knownMissing(repo, commit, file)) {
                return Optional.empty();
            }
        }
        if (settings.offline()) {
            if (commit == null) {
                throw new IOException(repo + " at revision " + revision + " is not in the hub cache " + settings.cache()
                        + ", and HF_HUB_OFFLINE forbids downloading it");
            }
            return Optional.empty();
        }
        Metadata meta;
        try {
            meta = metadata(repo, revision, file);
        } catch (UnreachableException e) {
            Path cached = commit == null ? null : cache.cached(repo, commit, file);
            if (cached != null) {
                LOG.log(Level.WARNING, "cannot reach {0} ({1}); using the cached {2} of {3}", settings.endpoint(), e, file, repo);
                return Optional.of(cached);
            }
            throw new IOException("cannot reach the hub at " + settings.endpoint() + " for " + file + " of " + repo
                    + " (" + e + "); a mirror is set with HF_ENDPOINT, the cache alone used with HF_HUB_OFFLINE=1", e);
        }
        if (meta.commit != null) {
            cache.writeRef(repo, revision, meta.commit);
        }
        if (meta.missing) {
            if (meta.commit != null) {
                cache.recordMissing(repo, meta.commit, file);
            }
            return Optional.empty();
        }
        Path cached = cache.cached(repo, meta.commit, file);
        if (cached != null) {
            return Optional.of(cached);
        }
        download(repo, file, meta);
        return Optional.of(cache.link(repo, meta.commit, file, meta.etag));
    }

    /** What a {@code HEAD} on the file's resolve URL says: its commit, ETag, size and where its bytes are. */
    private record Metadata(boolean missing, String commit, String etag, long size, URI location) {}

    private Metadata metadata(String repo, String revision, String file) throws IOException {
        URI uri = resolveUri(repo, revision, file);
        for (int redirects = 0; ; redirects++) {
            HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
            if (status == 404 && "EntryNotFound".equals(r.headers().firstValue("X-Error-Code").orElse(null))) {
                return new Metadata(true, commit, null, -1, null);
            }
            if (status == 401 || status == 404) {
                throw new IOException("the hub at " + settings.endpoint() + " has no repository " + repo + " with a revision "
                        + revision + (settings.token() == null ? " (or it is private: set HF_TOKEN)" : " visible to this HF_TOKEN")
                        + " (HTTP " + status + " for " + file + ")");
            }
            if (status == 403) {
                throw new IOException("access to " + repo + " is restricted (HTTP 403 for " + file + "): accept its terms on the hub"
                        + " and set HF_TOKEN to a token of that account");
            }
            Optional<String> location = r.headers().firstValue("Location");
            boolean redirect = status >= 300 && status < 400;
            if (redirect && location.isEmpty() || !redirect && status != 200) {
                throw new IOException("the hub at " + settings.endpoint() + " answered HTTP " + status + " for " + file + " of " + repo);
            }
            // A relative redirect is a renamed repository: follow it. An absolute one points at the bytes (a CDN).
            if (redirect && location.get().startsWith("/") && !location.get().startsWith("//")) {
                if (redirects == MAX_REDIRECTS) {
                    throw new IOException("too many redirects for " + file + " of " + repo + " at " + settings.endpoint());
                }
                uri = uri.resolve(location.get());
                continue;
            }
            String etag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag")).map(HubClient::normalizeEtag)
                    .orElse(null);
            if (commit == null || !HubCache.isCommit(commit) || etag == null || etag.isEmpty() || etag.contains("/")
                    || etag.contains("\\") || etag.startsWith(".")) {
                throw new IOException(settings.endpoint() + " does not answer as the Hugging Face hub does for " + file + " of " + repo
                        + " (no X-Repo-Commit or ETag header)");
            }
            String size = r.headers().firstValue("X-Linked-Size")
                    .or(() -> redirect ? Optional.empty() : r.headers().firstValue("Content-Length")).orElse("-1");
            return new Metadata(false, commit, etag, parseSize(size), redirect ? uri.resolve(location.get()) : uri);
        }
    }

    /** Downloads the blob {@code meta} describes, resuming a partial download and checking it, under the blob's lock. */
    private void download(String repo, String file, Metadata meta) throws IOException {
        Path blob = cache.blob(repo, meta.etag), part = cache.incomplete(repo, meta.etag), lock = cache.lock(repo, meta.etag);
        Files.createDirectories(blob.getParent());
        Files.createDirectories(lock.getParent());
        try (FileChannel lockChannel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lockChannel.lock()) {
            if (Files.isRegularFile(blob)) {
                return;
            }
            LOG.log(Level.INFO, "downloading {0} of {1} ({2} bytes) into {3}", file, repo, meta.size, settings.cache());
            for (int attempt = 1; ; attempt++) {
                try {
                    transfer(meta, part, file, repo);
                    break;
                } catch (UnreachableException | TruncatedException e) {
                    if (attempt == ATTEMPTS) {
                        throw new IOException("the download of " + file + " of " + repo + " failed " + ATTEMPTS + " times; "
                                + Files.size(part) + " bytes are kept in " + part + " and the next run resumes from there", e);
                    }
                    LOG.log(Level.WARNING, "the download of {0} of {1} stopped at {2} bytes ({3}); resuming", file, repo,
                            Files.size(part), e.getMessage());
                }
            }
            verify(part, meta.etag, file, repo);
            Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A response body that ended before its announced length. */
    private static final class TruncatedException extends IOException {
        TruncatedException(String message) {
            super(message);
        }
    }

    /** The hub (or the storage it redirects to) could not be reached or stopped answering. */
    private static final class UnreachableException extends IOException {
        UnreachableException(String host, IOException cause) {
            super(host + ": " + cause, cause);
        }
    }

    /** Appends the bytes of {@code meta.location} after those already in {@code part}. */
    private void transfer(Metadata meta, Path part, String file, String repo) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (meta.size >= 0 && have > meta.size) {
            Files.delete(part);
            have = 0;
        }
        HttpRequest.Builder b = request(meta.location).GET();
        if (have > 0) {
            b.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        boolean append = status == 206;
        if (status == 416 && meta.size == have) {
            r.body().close();
            return;
        }
        if (status != 200 && status != 206) {
            r.body().close();
            throw new IOException("downloading " + file + " of " + repo + " from " + meta.location + ": HTTP " + status);
        }
        if (append && !r.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-")) {
            r.body().close();
            throw new IOException("downloading " + file + " of " + repo + ": the server resumed at another offset ("
                    + r.headers().firstValue("Content-Range").orElse("no Content-Range") + ", expected " + have + ")");
        }
        long expected = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        long written = 0;
        try (InputStream in = r.body();
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                written += n;
            }
        } catch (IOException e) {
            throw new TruncatedException("the connection broke after " + written + " bytes: " + e.getMessage());
        }
        if (expected >= 0 && written < expected) {
            throw new TruncatedException("the body ended after " + written + " of " + expected + " bytes");
        }
        if (meta.size >= 0 && Files.size(part) < meta.size) {
            throw new TruncatedException(Files.size(part) + " of " + meta.size + " bytes");
        }
    }

    /** Checks the downloaded {@code part} against the hub's ETag: SHA-256 for LFS files, the git blob id for others. */
    private static void verify(Path part, String etag, String file, String repo) throws IOException {
        String algorithm = SHA256.matcher(etag).matches() ? "SHA-256" : GIT_SHA1.matcher(etag).matches() ? "SHA-1" : null;
        if (algorithm == null) {
            return;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
        if (algorithm.equals("SHA-1")) {
            md.update(("blob " + Files.size(part) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buf = new byte[1 << 20];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equals(etag)) {
            Files.delete(part);
            throw new IOException("the download of " + file + " of " + repo + " is damaged: its " + (algorithm.equals("SHA-1")
                    ? "git blob id" : "SHA-256") + " is " + got + ", the hub says " + etag + "; it was deleted, run again");
        }
    }

    private URI resolveUri(String repo, String revision, String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/")) {
            path.append('/').append(encode(segment));
        }
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/" + encode(revision) + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request for {@code uri}; the token goes to the hub only, never to the storage a download is redirected to. */
    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).header("User-Agent", userAgent())
                .header("Accept-Encoding", "identity");
        return settings.token() == null || !sameHost(uri) ? b : b.header("Authorization", "Bearer " + settings.token());
    }

    private boolean sameHost(URI uri) {
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(settings.endpoint().getHost())
                && uri.getPort() == settings.endpoint().getPort();
    }

    private static String userAgent() {
        return "jclip; java/" + Runtime.version().feature();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UnreachableException(request.uri().getScheme() + "://" + request.uri().getAuthority(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to " + request.uri().getHost(), e);
        }
    }

    private static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    private static long parseSize(String s) throws IOException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IOException("the hub sent a file size that is not a number: " + s, e);
        }
    }

    private static void checkNames(String repo, String revision, String file) {
        if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("'" + repo + "' is not a hub repository name (org/name)");
        }
        if (revision == null || revision.isEmpty() || revision.contains("..") || revision.startsWith("/")) {
            throw new IllegalArgumentException("'" + revision + "' is not a revision (a branch, tag or commit)");
        }
        if (file == null || file.isEmpty() || file.startsWith("/") || file.contains("\\")) {
            throw new IllegalArgumentException("'" + file + "' is not a file name in a repository");
        }
        for (String segment : file.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("'" + file + "' is not a file name in a repository");
            }
        }
    }
}
