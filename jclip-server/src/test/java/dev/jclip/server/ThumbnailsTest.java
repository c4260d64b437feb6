package dev.jclip.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.api.ClipModel;
import dev.jclip.index.VectorIndex;
import dev.jclip.testing.RequiresShared;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /thumbnails/{id}} and {@code GET /}: upright, cached, validated by ETag, a placeholder for a lost file. */
@RequiresShared
class ThumbnailsTest {
    static final String KEY = "thumb-key-0123456789";
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static VectorIndex index;
    static ClipServer server;
    static Path turned, wide, gone;

    @BeforeAll
    static void start() throws IOException {
        ClipModel model = ClipModel.load(ClipServerTest.VIT, ClipServerTest.VOCAB);
        turned = Files.write(dir.resolve("turned.jpg"), withOrientation(jpeg(halves(40, 20)), 6));
        wide = Files.write(dir.resolve("wide.png"), png(halves(800, 400)));
        gone = Files.write(dir.resolve("gone.png"), png(halves(8, 8)));
        Path indexDir = dir.resolve("index");
        try (VectorIndex build = VectorIndex.open(indexDir, model.id(), model.dimension())) {
            for (Path p : List.of(turned, wide, gone)) {
                build.upsert(p.toString(), Files.size(p), 0, model.embedImage(p));
            }
        }
        Files.delete(gone);
        index = VectorIndex.openForSearch(indexDir, model.id());
        server = ClipServer.start(model, index, ServerConfig.defaults().withPort(0).withApiKey(KEY));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        index.close();
    }

    /** Red on the left half, blue on the right. */
    static BufferedImage halves(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, x < w / 2 ? 0xFF0000 : 0x0000FF);
            }
        }
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    /** The JPEG with an EXIF segment (big-endian TIFF, one IFD entry) holding {@code orientation}. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0, 0};
        int length = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.uri().resolve(path));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> getWithKey(String path, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + KEY));
        all.addAll(List.of(headers));
        return get(path, all.toArray(String[]::new));
    }

    /** The id the search answers for {@code file}. */
    static String idOf(Path file) throws Exception {
        HttpResponse<byte[]> r = getWithKey("search?k=3&q=" + URLEncoder.encode("a photo", StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        for (JsonNode hit : Http.JSON.readTree(r.body()).get("results")) {
            if (hit.get("path").textValue().equals(file.toString())) {
                return hit.get("id").textValue();
            }
        }
        throw new AssertionError(file + " is not among the results");
    }

    static BufferedImage image(HttpResponse<byte[]> r) throws IOException {
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElseThrow());
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    static void assertColor(int expected, int rgb, String where) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = expected >> shift & 0xFF, g = rgb >> shift & 0xFF;
            assertTrue(Math.abs(e - g) < 40, where + ": expected " + Integer.toHexString(expected) + ", got " + Integer.toHexString(rgb & 0xFFFFFF));
        }
    }

    @Test
    void theIdIsTheHashOfThePath() throws Exception {
        assertEquals(ItemIds.of(turned.toString()), idOf(turned));
        assertEquals(32, idOf(turned).length());
    }

    @Test
    void aThumbnailIsUprightAsBrowsersShowTheFile() throws Exception {
        // Orientation 6: the stored 40x20 picture is shown turned a quarter clockwise, its left (red) half on top.
        BufferedImage t = image(getWithKey("thumbnails/" + idOf(turned)));
        assertEquals(20, t.getWidth());
        assertEquals(40, t.getHeight());
        assertColor(0xFF0000, t.getRGB(10, 5), "top");
        assertColor(0x0000FF, t.getRGB(10, 34), "bottom");
    }

    @Test
    void aThumbnailFitsItsSizeKeepingTheAspect() throws Exception {
        String id = idOf(wide);
        BufferedImage small = image(getWithKey("thumbnails/" + id));
        assertEquals(Thumbnails.SMALL, small.getWidth());
        assertEquals(Thumbnails.SMALL / 2, small.getHeight());
        assertColor(0xFF0000, small.getRGB(20, 80), "left");
        assertColor(0x0000FF, small.getRGB(300, 80), "right");
        // Never enlarged: the 800x400 original is under the large size.
        BufferedImage large = image(getWithKey("thumbnails/" + id + "?size=large"));
        assertEquals(800, large.getWidth());
        assertEquals(400, large.getHeight());
    }

    @Test
    void aThumbnailIsCachedBesideTheIndexAndRevalidatedByItsETag() throws Exception {
        String id = idOf(wide);
        HttpResponse<byte[]> first = getWithKey("thumbnails/" + id);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertEquals(Thumbnails.CACHE_CONTROL, first.headers().firstValue("Cache-Control").orElseThrow());
        Path cached = dir.resolve("index").resolve(Thumbnails.FOLDER).resolve(etag.replace("\"", "") + ".jpg");
        assertArrayEquals(first.body(), Files.readAllBytes(cached));
        try (Stream<Path> files = Files.list(cached.getParent())) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(id + "-small-")).count());
        }

        HttpResponse<byte[]> again = getWithKey("thumbnails/" + id, "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertArrayEquals(first.body(), getWithKey("thumbnails/" + id).body());

        // The file changes: a new name and ETag, and the old thumbnail is dropped.
        Files.setLastModifiedTime(wide, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(wide).toMillis() + 60_000));
        HttpResponse<byte[]> changed = getWithKey("thumbnails/" + id, "If-None-Match", etag);
        assertEquals(200, changed.statusCode());
        String newTag = changed.headers().firstValue("ETag").orElseThrow();
        assertTrue(!newTag.equals(etag), newTag);
        assertTrue(Files.notExists(cached), "the old thumbnail is dropped");
    }

    @Test
    void anImageGoneFromDiskGetsAPlaceholder() throws Exception {
        HttpResponse<byte[]> r = getWithKey("thumbnails/" + ItemIds.of(gone.toString()));
        assertEquals(200, r.statusCode());
        assertEquals("image/svg+xml", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("<svg"));
    }

    @Test
    void onlyIndexedItemsHaveThumbnails() throws Exception {
        HttpResponse<byte[]> unknown = getWithKey("thumbnails/" + ItemIds.of(dir.resolve("other.png").toString()));
        assertEquals(404, unknown.statusCode());
        assertTrue(Http.JSON.readTree(unknown.body()).get("error").textValue().contains("the index holds no item with id"));
        HttpResponse<byte[]> badSize = getWithKey("thumbnails/" + idOf(wide) + "?size=huge");
        assertEquals(400, badSize.statusCode());
        assertEquals("size must be small or large, got 'huge'", Http.JSON.readTree(badSize.body()).get("error").textValue());
        assertEquals(401, get("thumbnails/" + idOf(wide)).statusCode());
    }

    @Test
    void thePageNeedsNoKeyAndLoadsNothingFromElsewhere() throws Exception {
        HttpResponse<byte[]> page = get("");
        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<title>jclip</title>"));
        assertTrue(!html.contains("http:") && !html.contains("https:") && !html.contains("src=\"/"), "self-contained");
        assertArrayEquals(page.body(), get("?q=cat&k=5").body(), "a shared search link opens the same page");
    }
}
