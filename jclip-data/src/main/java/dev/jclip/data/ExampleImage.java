package dev.jclip.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The image of an {@link Example}: a file not yet read, encoded bytes (from a tar shard), or pixels
 * (generated or from an IDX file). Decoding uses {@link ImageIO}, which reads JPEG, PNG, BMP and GIF;
 * WebP needs an ImageIO plugin on the class path.
 */
public sealed interface ExampleImage {

    /** Reads and decodes the image; throws {@link UncheckedIOException} naming the image if that fails. */
    BufferedImage decode();

    /** An image file, read when decoded. */
    record FromFile(Path path) implements ExampleImage {
        @Override
        public BufferedImage decode() {
            try {
                BufferedImage img = ImageIO.read(path.toFile());
                if (img == null) {
                    throw new IOException("no ImageIO decoder for this format");
                }
                return img;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode image " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Encoded image bytes; {@code name} (e.g. {@code "shard-003.tar:abc.jpg"}) is used in errors. */
    record Encoded(byte[] bytes, String name) implements ExampleImage {
        @Override
        public BufferedImage decode() {
            // A memory-cached stream (ImageIO would otherwise spill to a temporary file); ImageIO.read closes it.
            try {
                BufferedImage img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
                if (img == null) {
                    throw new IOException("no ImageIO decoder for this format");
                }
                return img;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode image " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Pixels already in memory; {@link #decode()} returns them (callers must not modify them). */
    record Decoded(BufferedImage image) implements ExampleImage {
        @Override
        public BufferedImage decode() {
            return image;
        }
    }
}
