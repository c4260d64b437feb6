package dev.jclip.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubClient} against a local server with the hub's URL layout: cache layout, resume, checksums, tokens, offline. */
class HubClientTest {
    private static final String REPO = "laion/tiny-clip";

    @TempDir
    Path cache;

    private FakeHub hub;
    private final byte[] weights = randomBytes(300_000, 1);
    private final byte[] config = "{\"model_cfg\": {}}".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub().put(REPO, "config.json", config, false).put(REPO, "model.safetensors", weights, true);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client(String token, boolean offline) {
        return new HubClient(new HubSettings(hub.endpoint(), cache, token, offline));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        return FakeHub.hex(FakeHub.digest("SHA-256", b));
    }

    @Test
    void filesLandInHuggingFacesCacheLayout() throws IOException {
        HubClient c = client(null, false);
        Path w = c.file(REPO, "main", "model.safetensors"), cfg = c.file(REPO, "main", "config.json");
        String commit = hub.commit(REPO);
        Path repo = cache.resolve("models--laion--tiny-clip");
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        assertEquals(repo.resolve("snapshots/" + commit + "/model.safetensors"), w);
        assertTrue(Files.isSymbolicLink(w));
        assertEquals(Path.of("../../blobs/" + sha256(weights)), Files.readSymbolicLink(w));
        assertArrayEquals(weights, Files.readAllBytes(w));
        String gitBlob = FakeHub.hex(FakeHub.digest("SHA-1", concat(("blob " + config.length + "\0").getBytes(StandardCharsets.US_ASCII),
                config)));
        assertEquals(Path.of("../../blobs/" + gitBlob), Files.readSymbolicLink(cfg));
        assertArrayEquals(config, Files.readAllBytes(cfg));
        try (var s = Files.list(repo.resolve("blobs"))) {
            assertEquals(2, s.count(), "no .incomplete file is left");
        }
    }

    @Test
    void aCachedFileIsNotDownloadedAgain() throws IOException {
        client(null, false).file(REPO, "main", "model.safetensors");
        int before = hub.log().size();
        Path again = client(null, false).file(REPO, "main", "model.safetensors");
        List<String> after = hub.log().subList(before, hub.log().size());
        assertEquals(List.of("HEAD /laion/tiny-clip/resolve/main/model.safetensors"), after, "one HEAD for the commit, no download");
        assertArrayEquals(weights, Files.readAllBytes(again));
        int pinned = hub.log().size();
        client(null, false).file(REPO, hub.commit(REPO), "model.safetensors");
        assertEquals(pinned, hub.log().size(), "a commit names immutable contents: no request at all");
    }

    @Test
    void aNewCommitIsFetchedAndTheOldSnapshotKept() throws IOException {
        String first = hub.commit(REPO);
        client(null, false).file(REPO, "main", "config.json");
        byte[] changed = "{\"model_cfg\": {\"v\": 2}}".getBytes(StandardCharsets.UTF_8);
        hub.put(REPO, "config.json", changed, false);
        Path now = client(null, false).file(REPO, "main", "config.json");
        assertArrayEquals(changed, Files.readAllBytes(now));
        assertEquals(hub.commit(REPO), Files.readString(cache.resolve("models--laion--tiny-clip/refs/main")));
        assertArrayEquals(config, Files.readAllBytes(cache.resolve("models--laion--tiny-clip/snapshots/" + first + "/config.json")));
    }

    @Test
    void aBrokenDownloadResumesWhereItStopped() throws IOException {
        hub.breakDownloads(100_000, 2);
        Path w = client(null, false).file(REPO, "main", "model.safetensors");
        assertArrayEquals(weights, Files.readAllBytes(w));
        List<String> gets = hub.log().stream().filter(l -> l.startsWith("GET /cdn/")).toList();
        String cdn = "GET /cdn/" + sha256(weights);
        assertEquals(3, gets.size(), gets.toString());
        assertEquals(cdn, gets.get(0));
        // Each retry asks for the bytes after those that arrived (at most the 100,000 sent per try).
        long second = rangeStart(gets.get(1), cdn), third = rangeStart(gets.get(2), cdn);
        assertTrue(second > 0 && second <= 100_000 && third > second && third <= second + 100_000, gets.toString());
    }

    @Test
    void aDownloadThatKeepsFailingKeepsItsBytesForTheNextRun() throws IOException {
        hub.breakDownloads(50_000, 3);
        IOException e = assertThrows(IOException.class, () -> client(null, false).file(REPO, "main", "model.safetensors"));
        Path part = cache.resolve("models--laion--tiny-clip/blobs/" + sha256(weights) + ".incomplete");
        long kept = Files.size(part);
        assertTrue(kept > 0 && e.getMessage().contains(kept + " bytes are kept in " + part), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--laion--tiny-clip/snapshots/" + hub.commit(REPO) + "/model.safetensors")));
        Path w = client(null, false).file(REPO, "main", "model.safetensors");
        assertArrayEquals(weights, Files.readAllBytes(w));
        assertEquals("GET /cdn/" + sha256(weights) + " bytes=" + kept + "-", hub.log().getLast());
    }

    @Test
    void contentsThatDoNotMatchTheHubsChecksumAreRefused() throws IOException {
        hub.corrupt(randomBytes(weights.length, 2));
        IOException e = assertThrows(IOException.class, () -> client(null, false).file(REPO, "main", "model.safetensors"));
        assertTrue(e.getMessage().contains("model.safetensors of laion/tiny-clip is damaged") && e.getMessage().contains(sha256(weights)),
                e.getMessage());
        Path blobs = cache.resolve("models--laion--tiny-clip/blobs");
        try (var s = Files.list(blobs)) {
            assertEquals(List.of(), s.toList(), "neither the damaged bytes nor a blob are kept");
        }
    }

    @Test
    void theTokenGoesToTheHubButNotToTheStorage() throws IOException {
        hub.gate(REPO, "hf_secret");
        assertArrayEquals(weights, Files.readAllBytes(client("hf_secret", false).file(REPO, "main", "model.safetensors")));
        for (String line : hub.log()) {
            assertEquals(!line.contains("/cdn/"), line.contains("Bearer hf_secret"), line);
        }
    }

    @Test
    void refusedAccessSaysWhatToDo() {
        hub.gate(REPO, "hf_secret");
        IOException none = assertThrows(IOException.class, () -> client(null, false).file(REPO, "main", "config.json"));
        assertTrue(none.getMessage().contains("no repository laion/tiny-clip") && none.getMessage().contains("set HF_TOKEN"),
                none.getMessage());
        IOException wrong = assertThrows(IOException.class, () -> client("hf_other", false).file(REPO, "main", "config.json"));
        assertTrue(wrong.getMessage().contains("access to laion/tiny-clip is restricted (HTTP 403"), wrong.getMessage());
    }

    @Test
    void aMissingFileIsEmptyAndRemembered() throws IOException {
        assertEquals(Optional.empty(), client(null, false).fileIfPresent(REPO, "main", "preprocessor_config.json"));
        assertTrue(Files.isRegularFile(cache.resolve("models--laion--tiny-clip/.no_exist/" + hub.commit(REPO)
                + "/preprocessor_config.json")));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> client(null, false).file(REPO, "main", "vocab.json"));
        assertEquals("the hub repository laion/tiny-clip has no file vocab.json at revision main", e.getMessage());
        int before = hub.log().size();
        assertEquals(Optional.empty(), client(null, true).fileIfPresent(REPO, "main", "preprocessor_config.json"));
        assertEquals(before, hub.log().size());
    }

    @Test
    void offlineUsesTheCacheAloneAndSaysWhatIsMissing() throws IOException {
        client(null, false).file(REPO, "main", "config.json");
        int before = hub.log().size();
        assertArrayEquals(config, Files.readAllBytes(client(null, true).file(REPO, "main", "config.json")));
        assertEquals(before, hub.log().size(), "offline: no request");
        IOException e = assertThrows(IOException.class, () -> client(null, true).file("openai/other", "main", "config.json"));
        assertTrue(e.getMessage().contains("openai/other at revision main is not in the hub cache")
                && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    }

    @Test
    void anUnreachableHubFallsBackToTheCache() throws IOException {
        client(null, false).file(REPO, "main", "config.json");
        HubSettings s = new HubSettings(hub.endpoint(), cache, null, false);
        hub.close();
        assertArrayEquals(config, Files.readAllBytes(new HubClient(s).file(REPO, "main", "config.json")));
        IOException e = assertThrows(IOException.class, () -> new HubClient(s).file(REPO, "main", "model.safetensors"));
        assertTrue(e.getMessage().contains("cannot reach the hub at " + hub.endpoint()), e.getMessage());
    }

    @Test
    void aRenamedRepositoryIsFollowed() throws IOException {
        hub.rename("laion/old-name", REPO);
        assertArrayEquals(config, Files.readAllBytes(client(null, false).file("laion/old-name", "main", "config.json")));
    }

    @Test
    void aCacheWrittenByPythonIsRead() throws IOException {
        // huggingface_hub's layout: refs/main holds the commit, the snapshot file links to the blob named by its ETag.
        String commit = "0123456789abcdef0123456789abcdef01234567", etag = sha256(weights);
        Path repo = cache.resolve("models--openai--clip-vit-base-patch32");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs/" + etag), weights);
        Path snapshot = repo.resolve("snapshots/" + commit);
        Files.createDirectories(snapshot);
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"), Path.of("../../blobs/" + etag));
        Path p = client(null, true).file("openai/clip-vit-base-patch32", "main", "model.safetensors");
        assertArrayEquals(weights, Files.readAllBytes(p));
    }

    @Test
    void namesThatCouldEscapeTheCacheAreRefused() {
        HubClient c = client(null, true);
        assertThrows(IllegalArgumentException.class, () -> c.file("../etc", "main", "x"));
        assertThrows(IllegalArgumentException.class, () -> c.file(REPO, "main", "../../x"));
        assertThrows(IllegalArgumentException.class, () -> c.file(REPO, "../main", "x"));
        assertThrows(IllegalArgumentException.class, () -> c.file(REPO, "main", "/etc/passwd"));
    }

    private static long rangeStart(String logLine, String prefix) {
        assertTrue(logLine.startsWith(prefix + " bytes=") && logLine.endsWith("-"), logLine);
        return Long.parseLong(logLine.substring(prefix.length() + " bytes=".length(), logLine.length() - 1));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
