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
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;

/**
 * ImageIO's decoded images as Pillow 12 opens the same files: Pillow's mode, size and samples.
 * Samples are read from the raster, never through {@code getRGB} (which would color-convert).
 */
final class ImageIoPixels {
    private ImageIoPixels() {}

    /** How a decoded image becomes Pillow's pixels. */
    @FunctionalInterface
    interface Mapping {
        PixelImage apply(BufferedImage image) throws BadImageException;
    }

    /** What a file's header says before any pixel is decoded: the size Pillow gives it, and its mapping. */
    record Layout(int width, int height, Mapping mapping) {
        PixelImage pixels(BufferedImage image) throws BadImageException {
            return mapping.apply(image);
        }
    }

    /**
     * The layout of the first image of {@code reader}'s input, a file of {@code format};
     * {@code encoded} is the file as it was given (see {@link #forImageIo}).
     */
    static Layout layout(ImageFormat format, ImageReader reader, byte[] encoded, String name) throws IOException {
        return switch (format) {
            case PNG -> {
                PngChunks.checkHeaderCrcs(encoded, name);
                yield png(reader);
            }
            case GIF -> GifFrame.layout(reader, encoded, name);
            case TIFF -> TiffLayout.of(reader, name);
            case BMP -> {
                BmpHeader.check(encoded, name);
                int width = reader.getWidth(0), height = reader.getHeight(0);
                yield new Layout(width, height, image -> bmp(image,
                        BmpRle.isRle(encoded) ? BmpRle.indices(encoded, width, height, name) : null));
            }
            case JPEG, WEBP -> throw new IllegalStateException(format.label + " is decoded in pure Java, not by ImageIO");
        };
    }

    /** The bytes to give ImageIO for a file: the file, or a copy with what ImageIO misreads made plain. */
    static byte[] forImageIo(ImageFormat format, byte[] encoded) {
        return switch (format) {
            case PNG -> PngChunks.withEnd(encoded);
            case GIF -> GifFrame.withoutInterlace(encoded);
            case BMP, TIFF, JPEG, WEBP -> encoded;
        };
    }

    /**
     * An image mapped by its structure alone: palette to P, one band to L (I;16 when 16-bit),
     * two to LA, three to RGB, four to CMYK in a CMYK color space, else to RGBA when the color
     * model has alpha, else to RGB.
     */
    static PixelImage generic(BufferedImage image) {
        Raster raster = straightAlpha(image);
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return palette(raster, icm);
        }
        int n = raster.getNumBands();
        return switch (n) {
            case 1 -> raster.getSampleModel().getSampleSize(0) == 16 ? uint16(raster) : bands(raster, Mode.L, 0);
            case 2 -> bands(raster, Mode.LA, 0, 1);
            case 3 -> bands(raster, Mode.RGB, 0, 1, 2);
            case 4 -> {
                if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                    yield bands(raster, Mode.CMYK, 0, 1, 2, 3);
                }
                yield cm.hasAlpha() ? bands(raster, Mode.RGBA, 0, 1, 2, 3) : bands(raster, Mode.RGB, 0, 1, 2);
            }
            default -> throw new IllegalArgumentException("unsupported image with " + n + " bands");
        };
    }

    // ---------------------------------------------------------------- per format

    /**
     * PNG by its header's color type and bit depth, as Pillow's PngImagePlugin maps them: gray
     * 1-bit is "1", 2 to 8 bits L, 16 bits I;16; gray and alpha is LA, or RGBA at 16 bits;
     * 16-bit color keeps each sample's high byte. A tRNS chunk (for which ImageIO adds alpha)
     * leaves gray and RGB as they are.
     */
    private static Layout png(ImageReader reader) throws IOException {
        // The header is read after the size check: ImageIO reads all of a PNG's metadata at once.
        Mapping mapping = image -> {
            IIOMetadataNode ihdr;
            try {
                ihdr = (IIOMetadataNode) ((IIOMetadataNode) reader.getImageMetadata(0)
                        .getAsTree("javax_imageio_png_1.0")).getElementsByTagName("IHDR").item(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String colorType = ihdr.getAttribute("colorType");
            int depth = Integer.parseInt(ihdr.getAttribute("bitDepth"));
            Raster raster = image.getRaster();
            return switch (colorType) {
                case "Palette" -> palette(raster, (IndexColorModel) image.getColorModel());
                case "Grayscale" -> switch (depth) {
                    case 16 -> uint16(raster);
                    case 1 -> bands(raster, Mode.ONE, 0);
                    default -> decodedBands(raster, Mode.L, 0);
                };
                case "RGB" -> decodedBands(raster, Mode.RGB, 0, 1, 2);
                case "GrayAlpha" -> depth == 16 ? bands(raster, Mode.RGBA, 0, 0, 0, 1) : bands(raster, Mode.LA, 0, 1);
                case "RGBAlpha" -> decodedBands(raster, Mode.RGBA, 0, 1, 2, 3);
                default -> throw new IllegalStateException("unknown PNG color type " + colorType);
            };
        };
        return new Layout(reader.getWidth(0), reader.getHeight(0), mapping);
    }

    /**
     * BMP: a black and white palette is Pillow's "1", a gray ramp L, any other palette P.
     * {@code rleIndices} are the indices of an RLE bitmap as Pillow reads them ({@link BmpRle}),
     * else null (ImageIO's are Pillow's).
     */
    private static PixelImage bmp(BufferedImage image, byte[] rleIndices) {
        if (image.getColorModel() instanceof IndexColorModel icm) {
            int[] rgb = paletteOf(icm);
            byte[] indices = rleIndices != null ? rleIndices : indices(image.getRaster());
            int w = image.getWidth(), h = image.getHeight();
            if (rgb.length == 2 && rgb[0] == 0 && rgb[1] == 0xFFFFFF) {
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = (byte) (indices[i] == 0 ? 0 : 255);
                }
                return PixelImage.of(Mode.ONE, w, h, indices);
            }
            return isGrayRamp(rgb) ? PixelImage.of(Mode.L, w, h, indices) : PixelImage.ofPalette(w, h, indices, rgb);
        }
        return generic(image);
    }

    // ---------------------------------------------------------------- samples

    /** The image's raster with straight alpha, as files store it: coerceData divides premultiplied alpha out of a copy. */
    static Raster straightAlpha(BufferedImage image) {
        if (!image.isAlphaPremultiplied()) {
            return image.getRaster();
        }
        WritableRaster copy = image.copyData(null);
        image.getColorModel().coerceData(copy, false);
        return copy;
    }

    /**
     * The chosen raster bands (a band may repeat) as 8-bit samples: 8 bits as they are, 16
     * bits' high byte, n bits scaled by 255/(2^n-1) and truncated, as Pillow's unpackers do.
     */
    static PixelImage bands(Raster raster, Mode mode, int... bands) {
        int w = raster.getWidth(), h = raster.getHeight(), nb = raster.getNumBands(), b = bands.length;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), b)];
        int[] bits = raster.getSampleModel().getSampleSize();
        boolean allBytes = true;
        for (int band : bands) {
            allBytes &= bits[band] == 8;
        }
        if (allBytes && raster.getDataBuffer() instanceof DataBufferByte buffer
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
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            int o = y * w * b;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < b; c++) {
                    out[o + x * b + c] = (byte) toByte(row[x * nb + bands[c]], bits[bands[c]]);
                }
            }
        }
        return PixelImage.of(mode, w, h, out);
    }

    /**
     * {@link #bands} of a raster that a reader decoded for jclip alone: when its buffer already holds
     * exactly these samples (8-bit PNG), the buffer is taken over instead of copied.
     */
    static PixelImage decodedBands(Raster raster, Mode mode, int... bands) {
        int w = raster.getWidth(), h = raster.getHeight();
        if (inOrder(raster, bands, Math.multiplyExact(Math.multiplyExact(w, h), bands.length))) {
            return PixelImage.of(mode, w, h, ((DataBufferByte) raster.getDataBuffer()).getData());
        }
        return bands(raster, mode, bands);
    }

    /** Whether the raster's byte buffer is exactly the chosen bands, 8 bits each, pixel after pixel. */
    private static boolean inOrder(Raster raster, int[] bands, int size) {
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || buffer.getOffset() != 0 || buffer.getData().length != size
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || sm.getPixelStride() != bands.length || sm.getScanlineStride() != raster.getWidth() * bands.length
                || sm.getNumBands() != bands.length) {
            return false;
        }
        for (int c = 0; c < bands.length; c++) {
            if (bands[c] != c || sm.getSampleSize(c) != 8 || sm.getOffset(0, 0, c) != c) {
                return false;
            }
        }
        return true;
    }

    private static int toByte(int sample, int bits) {
        return switch (bits) {
            case 8 -> sample;
            case 16 -> sample >> 8;
            default -> sample * 255 / ((1 << bits) - 1);
        };
    }

    /** Band 0 as Pillow's I;16 (16-bit gray keeps its full range). */
    static PixelImage uint16(Raster raster) {
        int w = raster.getWidth(), h = raster.getHeight();
        return PixelImage.ofUint16(w, h, raster.getSamples(0, 0, w, h, 0, new int[Math.multiplyExact(w, h)]));
    }

    /** Band 0 as palette indices into the color model's entries. */
    static PixelImage palette(Raster raster, IndexColorModel icm) {
        return palette(raster, paletteOf(icm));
    }

    /** Band 0 as palette indices into {@code rgb} (0xRRGGBB entries). */
    static PixelImage palette(Raster raster, int[] rgb) {
        return PixelImage.ofPalette(raster.getWidth(), raster.getHeight(), indices(raster), rgb);
    }

    /** Band 0's samples (palette indices) as they are, one byte each. */
    static byte[] indices(Raster raster) {
        int w = raster.getWidth(), h = raster.getHeight();
        int[] samples = raster.getSamples(0, 0, w, h, 0, new int[Math.multiplyExact(w, h)]);
        byte[] indices = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            indices[i] = (byte) samples[i];
        }
        return indices;
    }

    static int[] paletteOf(IndexColorModel icm) {
        int[] rgb = new int[icm.getMapSize()];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = icm.getRGB(i) & 0xFFFFFF;
        }
        return rgb;
    }

    /** True when entry i is gray level i for every entry: Pillow then drops the palette (mode L). */
    static boolean isGrayRamp(int[] rgb) {
        for (int i = 0; i < rgb.length; i++) {
            if (rgb[i] != i * 0x010101) {
                return false;
            }
        }
        return true;
    }
}
