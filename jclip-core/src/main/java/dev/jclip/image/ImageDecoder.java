package dev.jclip.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, GIF, BMP, TIFF and WebP into a {@link PixelImage} in the mode and with the
 * pixels Pillow 12 gives the same file on {@code Image.open}, as open_clip's preprocessing sees
 * it: gray PNG is L ("1" at 1 bit, I;16 at 16 bits), palette PNG and GIF are P (a GIF's first
 * frame on its logical screen; L when its palette is the identity gray ramp), BMP with a
 * black/white or gray-ramp palette is "1" or L, TIFF follows its tags (orientation applied, as
 * Pillow does for TIFF only), JPEG is RGB, L or CMYK, WebP is RGBA when its header says it has
 * alpha, else RGB. Color profiles and gamma are not applied, as in Pillow. JPEG and WebP are
 * decoded in pure Java, bit for bit as libjpeg-turbo and libwebp decode them for Pillow
 * ({@link JpegDecoder}, {@link WebpDecoder}); PNG, GIF, BMP and TIFF by ImageIO, mapped to
 * Pillow's pixels by {@link ImageIoPixels}.
 *
 * <p>The file's signature decides its format (formats Pillow opens but jclip does not are
 * refused by name), then the size its header declares is checked before any pixel is decoded:
 * a declared size above the pixel limit (a decompression bomb) is refused. Every failure is a
 * {@link BadImageException} naming the file.
 */
public final class ImageDecoder {
    /** Pillow's DecompressionBombError threshold: twice its MAX_IMAGE_PIXELS of 89,478,485. */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    private final long maxPixels;

    /** A decoder with the default pixel limit. */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** A decoder that refuses images declaring more than {@code maxPixels} pixels. */
    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("pixel limit must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** The most pixels (width × height) an image may declare; larger ones are refused. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes an image file; a file that is not an image is refused after reading its first bytes. */
    public PixelImage decode(Path file) throws BadImageException {
        return decode(read(file), file.toString());
    }

    /** The bytes of an image file; a file that is not an image is refused after reading its first bytes. */
    static byte[] read(Path file) throws BadImageException {
        String name = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(ImageFormat.SIGNATURE_BYTES);
            ImageFormat.sniff(head, name);
            byte[] rest = in.readAllBytes();
            bytes = Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, bytes, head.length, rest.length);
        } catch (IOException | OutOfMemoryError e) {
            if (e instanceof BadImageException bad) {
                throw bad;
            }
            throw new BadImageException(name, "cannot read file: " + e, e);
        }
        return bytes;
    }

    /** Decodes an encoded image; {@code name} identifies it in errors. */
    public PixelImage decode(byte[] encoded, String name) throws BadImageException {
        ImageFormat format = ImageFormat.sniff(encoded, name);
        return switch (format) {
            case JPEG -> JpegDecoder.decode(encoded, name, maxPixels);
            case WEBP -> WebpDecoder.decode(encoded, name, maxPixels);
            case PNG -> PngDecoder.reads(encoded) ? PngDecoder.decode(encoded, name, maxPixels, null)
                    : readWithImageIo(encoded, name, format);
            case GIF, BMP, TIFF -> readWithImageIo(encoded, name, format);
        };
    }

    /** Decodes with ImageIO, mapped to Pillow's pixels (package-private: tests compare {@link PngDecoder} with it). */
    PixelImage readWithImageIo(byte[] encoded, String name, ImageFormat format) throws BadImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new BadImageException(name, "no ImageIO reader for " + format.label);
        }
        ImageReader reader = readers.next();
        byte[] input = ImageIoPixels.forImageIo(format, encoded);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(input))) {
            reader.setInput(in, true, false);
            ImageIoPixels.Layout layout = ImageIoPixels.layout(format, reader, encoded, name);
            checkSize(layout.width(), layout.height(), maxPixels, name);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((r, message) -> warnings.add(message));
            BufferedImage image = reader.read(0);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                // libjpeg (JPEG inside TIFF) only warns on a truncated file and fills the rest gray; Pillow refuses it.
                if (lower.contains("truncated") || lower.contains("premature end")) {
                    throw new BadImageException(name, "truncated " + format.label + " file (" + w + ")");
                }
            }
            return layout.pixels(image);
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadImageException(name, "cannot decode " + format.label + " image: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /** Refuses an empty image or one above the pixel limit, from the size its header declares. */
    static void checkSize(int width, int height, long maxPixels, String name) throws BadImageException {
        if (width <= 0 || height <= 0) {
            throw new BadImageException(name, "image has zero size (" + width + "x" + height + ")");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new BadImageException(name, "image declares " + width + "x" + height + " = " + pixels
                    + " pixels, more than the limit of " + maxPixels + " (possible decompression bomb)");
        }
    }

    /**
     * An image made in memory, mapped as a file of its structure would be: palette to
     * P, one band to L (I;16 when 16-bit), two to LA, three to RGB, four to CMYK in a CMYK
     * color space, else to RGBA when the color model has alpha, else to RGB.
     */
    public static PixelImage fromBufferedImage(BufferedImage image) {
        return ImageIoPixels.generic(image);
    }
}
