package dev.jclip.server;

import dev.jclip.image.ExifOrientation;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.PixelImage;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;

/**
 * {@code GET /thumbnails/{id}[?size=large]}: a JPEG of the indexed image with that {@link ItemIds
 * id}, upright as a browser shows the file (its EXIF orientation applied), at most 320 pixels on its
 * longer side (1024 when large). Made on first request and kept in {@code thumbnails/} in the index
 * folder, named by id, size and the file's size and modification time, so a changed file gets a new
 * one; the same name is the {@code ETag}. An image that is gone or cannot be decoded gets a
 * placeholder picture, never an error page.
 */
final class Thumbnails {
    private static final Logger LOG = Logger.getLogger(Thumbnails.class.getName());
    static final int SMALL = 320;
    static final int LARGE = 1024;
    static final String FOLDER = "thumbnails";
    /** Thumbnails of an unchanged file stay valid; an hour bounds how long a replaced file shows its old picture. */
    static final String CACHE_CONTROL = "private, max-age=3600";

    private final ItemIds ids;
    private final Path folder;
    private final ImageDecoder decoder = new ImageDecoder();
    private final byte[] placeholder;

    Thumbnails(ItemIds ids, Path indexFolder) {
        this.ids = ids;
        this.folder = indexFolder.resolve(FOLDER);
        try (InputStream in = Thumbnails.class.getResourceAsStream("web/placeholder.svg")) {
            this.placeholder = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the jar lacks dev/jclip/server/web/placeholder.svg", e);
        }
    }

    void get(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        String size = ctx.queryParamAsClass("size", String.class).getOrDefault("small");
        int longest = switch (size) {
            case "small" -> SMALL;
            case "large" -> LARGE;
            default -> throw new BadRequestResponse("size must be small or large, got '" + size + "'");
        };
        String path = ids.path(id);
        if (path == null) {
            throw new NotFoundResponse("the index holds no item with id '" + id + "' (ids come with the results of /search)");
        }
        BasicFileAttributes file;
        Path source;
        try {
            source = Path.of(path);
            file = Files.readAttributes(source, BasicFileAttributes.class);
        } catch (InvalidPathException | IOException e) {
            answerPlaceholder(ctx);
            return;
        }
        String name = id + "-" + size + "-" + Long.toHexString(file.size()) + "-" + Long.toHexString(file.lastModifiedTime().toMillis());
        String etag = "\"" + name + "\"";
        ctx.header("Cache-Control", CACHE_CONTROL).header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        Path cached = folder.resolve(name + ".jpg");
        byte[] jpeg;
        try {
            jpeg = Files.readAllBytes(cached);
        } catch (NoSuchFileException e) {
            try {
                jpeg = make(source, longest);
            } catch (IOException bad) { // also a BadImageException: not an image, or a damaged one
                LOG.log(Level.FINE, "no thumbnail of " + path, bad);
                ctx.removeHeader("ETag");
                answerPlaceholder(ctx);
                return;
            }
            store(id + "-" + size + "-", cached, jpeg);
        }
        ctx.contentType("image/jpeg").result(jpeg);
    }

    private void answerPlaceholder(Context ctx) {
        ctx.header("Cache-Control", "no-store").contentType("image/svg+xml").result(placeholder);
    }

    /** The image turned upright and scaled to fit {@code longest} (never enlarged), as a JPEG. */
    private byte[] make(Path source, int longest) throws IOException {
        byte[] encoded = Files.readAllBytes(source);
        PixelImage decoded = decoder.decode(encoded, source.toString());
        PixelImage rgb = PixelImage.of(PixelImage.Mode.RGB, decoded.width(), decoded.height(), decoded.toRgb());
        PixelImage upright = ExifOrientation.apply(rgb, ImageOrientation.of(encoded));
        int w = upright.width(), h = upright.height();
        byte[] px = upright.toRgb();
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (px[3 * i] & 0xFF) << 16 | (px[3 * i + 1] & 0xFF) << 8 | px[3 * i + 2] & 0xFF;
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, argb, 0, w);
        double scale = Math.min(1.0, (double) longest / Math.max(w, h));
        BufferedImage out = scaled(image, Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "jpg", bytes);
        return bytes.toByteArray();
    }

    /** {@code image} at {@code w × h}: halved (bilinear) while more than twice too large, then bicubic, so no detail aliases. */
    private static BufferedImage scaled(BufferedImage image, int w, int h) {
        BufferedImage current = image;
        while (current.getWidth() != w || current.getHeight() != h) {
            int nextW = current.getWidth() / 2 >= w ? current.getWidth() / 2 : w;
            int nextH = current.getHeight() / 2 >= h ? current.getHeight() / 2 : h;
            boolean last = nextW == w && nextH == h;
            BufferedImage next = new BufferedImage(nextW, nextH, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = next.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                    last ? RenderingHints.VALUE_INTERPOLATION_BICUBIC : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(current, 0, 0, nextW, nextH, null);
            g.dispose();
            current = next;
        }
        return current;
    }

    /**
     * Keeps {@code jpeg} as {@code cached} (written aside and moved, so a reader never sees half a
     * file) and drops the item's older thumbnails of that size. A folder that cannot be written
     * (a read-only index) only means thumbnails are made again on each request.
     */
    private void store(String prefix, Path cached, byte[] jpeg) {
        try {
            Files.createDirectories(folder);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, prefix + "*.jpg")) {
                for (Path p : old) {
                    Files.deleteIfExists(p);
                }
            }
            Path partial = Files.createTempFile(folder, prefix, ".part");
            Files.write(partial, jpeg);
            try {
                Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, cached, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot keep thumbnails in " + folder + ": " + e);
        }
    }
}
