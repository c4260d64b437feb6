package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, GIF, BMP and WebP with ImageIO into a {@link PixelImage} in the mode
 * Pillow 9.4 would give the same file: gray PNG is L (1-bit: "1", 16-bit: I), palette
 * PNG and GIF are P (a GIF whose palette is the identity gray ramp is L), JPEG is RGB,
 * L or CMYK, BMP with a black/white or gray-ramp palette is "1" or L, WebP is RGBA when its
 * header says it has alpha, else RGB. WebP needs an ImageIO WebP plugin on the class path
 * (the jclip CLI has one); the JDK has none. Samples are read from
 * the raster, never through {@code getRGB} (which would color-convert); 16-bit samples
 * keep their high byte, as Pillow's unpackers do.
 *
 * <p>The file's signature is checked first, then the size its header declares, before
 * any pixel is decoded: a declared size above the pixel limit (a decompression bomb)
 * is refused. Every failure is a {@link BadImageException} naming the file.
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
        String name = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(12);
            sniff(head, name);
            byte[] rest = in.readAllBytes();
            bytes = Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, bytes, head.length, rest.length);
        } catch (IOException | OutOfMemoryError e) {
            if (e instanceof BadImageException bad) {
                throw bad;
            }
            throw new BadImageException(name, "cannot read file: " + e, e);
        }
        return decode(bytes, name);
    }

    /** Decodes an encoded image; {@code name} identifies it in errors. */
    public PixelImage decode(byte[] encoded, String name) throws BadImageException {
        String format = sniff(encoded, name);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            if (format.equals("webp")) {
                throw new BadImageException(name,
                        "WebP needs an ImageIO WebP plugin on the class path (the jclip CLI includes one)");
            }
            throw new BadImageException(name, "no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, false);
            int width = reader.getWidth(0), height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new BadImageException(name, "image has zero size (" + width + "x" + height + ")");
            }
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                throw new BadImageException(name, "image declares " + width + "x" + height + " = " + pixels
                        + " pixels, more than the limit of " + maxPixels + " (possible decompression bomb)");
            }
            IIOMetadata metadata = format.equals("png") ? reader.getImageMetadata(0) : null;
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((r, message) -> warnings.add(message));
            BufferedImage image = reader.read(0);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                // libjpeg only warns on a truncated file and fills the rest gray; Pillow refuses it.
                if (lower.contains("truncated") || lower.contains("premature end")) {
                    throw new BadImageException(name, "truncated " + format + " file (" + w + ")");
                }
            }
            if (format.equals("webp")) {
                return webp(image, webpHasAlpha(encoded));
            }
            return toPixelImage(image, format, metadata);
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadImageException(name, "cannot decode " + format + " image: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /** The ImageIO format of a supported signature, else a clear error. */
    private static String sniff(byte[] b, String name) throws BadImageException {
        if (b.length == 0) {
            throw new BadImageException(name, "file is empty");
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        if (startsWith(b, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 'G', 'I', 'F', '8', '9', 'a')) {
            return "gif";
        }
        if (startsWith(b, 'B', 'M')) {
            return "bmp";
        }
        if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        int n = Math.min(b.length, 8);
        throw new BadImageException(name, "not a PNG, JPEG, GIF, BMP or WebP image (starts with "
                + HexFormat.ofDelimiter(" ").formatHex(b, 0, n) + ")");
    }

    /**
     * Whether a WebP file has alpha as libwebp's WebPGetFeatures (and so Pillow) reads it: the
     * alpha flag of an extended (VP8X) header, the alpha bit of a lossless (VP8L) header; a
     * simple lossy (VP8) file has none. The reader itself may add alpha that Pillow would not.
     */
    private static boolean webpHasAlpha(byte[] b) {
        if (b.length < 25) {
            return false;
        }
        String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8X" -> (b[20] & 0x10) != 0;
            // After the 0x2f signature byte: 14 bits width-1, 14 bits height-1, then the alpha bit.
            case "VP8L" -> (b[24] & 0x10) != 0;
            default -> false;
        };
    }

    private static PixelImage webp(BufferedImage image, boolean hasAlpha) {
        Raster raster = straightAlpha(image);
        int bits = raster.getSampleModel().getSampleSize(0);
        return hasAlpha && raster.getNumBands() == 4
                ? bands(raster, Mode.RGBA, new int[] {0, 1, 2, 3}, bits)
                : bands(raster, Mode.RGB, new int[] {0, 1, 2}, bits);
    }

    private static boolean startsWith(byte[] b, int... signature) {
        if (b.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((b[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- BufferedImage to Pillow's mode

    /**
     * An image made in memory, mapped as a file of its structure would be: palette to
     * P, one band to L (I when 16-bit), two to LA, three to RGB, four to CMYK in a CMYK
     * color space, else to RGBA when the color model has alpha, else to RGB.
     */
    public static PixelImage fromBufferedImage(BufferedImage image) {
        return toPixelImage(image, "", null);
    }

    private static PixelImage toPixelImage(BufferedImage image, String format, IIOMetadata metadata) {
        Raster raster = straightAlpha(image);
        ColorModel cm = image.getColorModel();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (format.equals("png")) {
            IIOMetadataNode ihdr = (IIOMetadataNode) ((IIOMetadataNode) metadata.getAsTree("javax_imageio_png_1.0"))
                    .getElementsByTagName("IHDR").item(0);
            String colorType = ihdr.getAttribute("colorType");
            int depth = Integer.parseInt(ihdr.getAttribute("bitDepth"));
            return switch (colorType) {
                case "Palette" -> palette(raster, (IndexColorModel) cm);
                case "Grayscale" -> switch (depth) {
                    case 16 -> ints(raster);
                    case 1 -> bands(raster, Mode.ONE, new int[] {0}, bits);
                    default -> bands(raster, Mode.L, new int[] {0}, bits);
                };
                // ImageIO adds alpha for a tRNS chunk; Pillow keeps the mode and ignores it in convert("RGB").
                case "RGB" -> bands(raster, Mode.RGB, new int[] {0, 1, 2}, bits);
                case "GrayAlpha" -> bands(raster, Mode.LA, new int[] {0, 1}, bits);
                case "RGBAlpha" -> bands(raster, Mode.RGBA, new int[] {0, 1, 2, 3}, bits);
                default -> throw new IllegalStateException("unknown PNG color type " + colorType);
            };
        }
        if (cm instanceof IndexColorModel icm) {
            int[] rgb = paletteOf(icm);
            if (format.equals("bmp") && rgb.length == 2 && rgb[0] == 0 && rgb[1] == 0xFFFFFF) {
                return bands(raster, Mode.ONE, new int[] {0}, 1);
            }
            if ((format.equals("bmp") || format.equals("gif")) && isGrayRamp(rgb)) {
                return bands(raster, Mode.L, new int[] {0}, 8);
            }
            return palette(raster, icm);
        }
        int n = raster.getNumBands();
        return switch (n) {
            case 1 -> bits == 16 ? ints(raster) : bands(raster, Mode.L, new int[] {0}, bits);
            case 2 -> bands(raster, Mode.LA, new int[] {0, 1}, bits);
            case 3 -> bands(raster, Mode.RGB, new int[] {0, 1, 2}, bits);
            case 4 -> {
                if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                    yield bands(raster, Mode.CMYK, new int[] {0, 1, 2, 3}, bits);
                }
                yield cm.hasAlpha()
                        ? bands(raster, Mode.RGBA, new int[] {0, 1, 2, 3}, bits)
                        : bands(raster, Mode.RGB, new int[] {0, 1, 2}, bits);
            }
            default -> throw new IllegalArgumentException("unsupported image with " + n + " bands");
        };
    }

    /** The image's raster with straight alpha, as files store it: coerceData divides premultiplied alpha out of a copy. */
    private static Raster straightAlpha(BufferedImage image) {
        if (!image.isAlphaPremultiplied()) {
            return image.getRaster();
        }
        WritableRaster copy = image.copyData(null);
        image.getColorModel().coerceData(copy, false);
        return copy;
    }

    /** The chosen raster bands as 8-bit samples: 8 bits as is, 16 bits' high byte, n bits scaled by 255/(2^n-1). */
    private static PixelImage bands(Raster raster, Mode mode, int[] bands, int bits) {
        int w = raster.getWidth(), h = raster.getHeight(), nb = raster.getNumBands(), b = bands.length;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), b)];
        if (bits == 8 && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            // The usual decoded layout (JPEG, 8-bit PNG, BMP): copy bytes straight from the buffer.
            byte[] data = buffer.getData();
            int pixelStride = sm.getPixelStride(), rowStride = sm.getScanlineStride();
            int[] offsets = new int[b];
            for (int c = 0; c < b; c++) {
                offsets[c] = sm.getOffset(0, 0, bands[c]) + buffer.getOffset();
            }
            for (int y = 0, o = 0; y < h; y++) {
                for (int x = 0, p = y * rowStride; x < w; x++, p += pixelStride) {
                    for (int c = 0; c < b; c++) {
                        out[o++] = data[p + offsets[c]];
                    }
                }
            }
            return PixelImage.of(mode, w, h, out);
        }
        int[] row = new int[w * nb];
        int max = (1 << bits) - 1;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            int o = y * w * b;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < b; c++) {
                    int s = row[x * nb + bands[c]];
                    out[o + x * b + c] = (byte) (bits == 8 ? s : bits == 16 ? s >> 8 : s * 255 / max);
                }
            }
        }
        return PixelImage.of(mode, w, h, out);
    }

    /** Band 0 as Pillow's 32-bit mode I (16-bit gray keeps its full range). */
    private static PixelImage ints(Raster raster) {
        int w = raster.getWidth(), h = raster.getHeight();
        return PixelImage.ofInts(w, h, raster.getSamples(0, 0, w, h, 0, new int[Math.multiplyExact(w, h)]));
    }

    private static PixelImage palette(Raster raster, IndexColorModel icm) {
        PixelImage indices = bands(raster, Mode.L, new int[] {0}, 8);
        return PixelImage.ofPalette(indices.width(), indices.height(), indices.samples(), paletteOf(icm));
    }

    private static int[] paletteOf(IndexColorModel icm) {
        int[] rgb = new int[icm.getMapSize()];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = icm.getRGB(i) & 0xFFFFFF;
        }
        return rgb;
    }

    /** True when entry i is gray level i for every entry: Pillow then drops the palette. */
    private static boolean isGrayRamp(int[] rgb) {
        for (int i = 0; i < rgb.length; i++) {
            if (rgb[i] != i * 0x010101) {
                return false;
            }
        }
        return true;
    }
}
