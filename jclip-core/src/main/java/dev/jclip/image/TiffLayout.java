package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;

/**
 * A TIFF file's first page as Pillow 12's TiffImagePlugin opens it, from the page's tags:
 * bilevel gray is "1", gray L or (16-bit) I;16, palette P with the color map's high bytes,
 * RGB, RGBA (premultiplied alpha divided out as Pillow does), CMYK and JPEG-compressed YCbCr
 * as ImageIO decodes them; then the orientation tag is applied, as Pillow does on load.
 * Compressions, color spaces and sample formats that ImageIO or this mapping cannot
 * reproduce are refused by name before decoding.
 */
final class TiffLayout {
    private TiffLayout() {}

    static ImageIoPixels.Layout of(ImageReader reader, String name) throws IOException {
        TIFFDirectory tags = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
        int compression = tag(tags, BaselineTIFFTagSet.TAG_COMPRESSION, 1);
        if (!readable(compression)) {
            throw new BadImageException(name, "is a TIFF file with " + compressionName(compression)
                    + " compression, which jclip cannot decode");
        }
        int photometric = tag(tags, BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION, -1);
        if (photometric < 0 || photometric > 6 || photometric == 4) {
            throw new BadImageException(name, "is a TIFF file with photometric interpretation " + photometric
                    + ", which jclip cannot decode");
        }
        int sampleFormat = tag(tags, BaselineTIFFTagSet.TAG_SAMPLE_FORMAT, 1);
        int bits = tag(tags, BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE, 1);
        TIFFField bitsPerSample = tags.getTIFFField(BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE);
        for (int i = 1; bitsPerSample != null && i < bitsPerSample.getCount(); i++) {
            if (bitsPerSample.getAsInt(i) != bits) {
                throw new BadImageException(name, "is a TIFF file with samples of different sizes ("
                        + bits + " and " + bitsPerSample.getAsInt(i) + " bits), which jclip cannot decode");
            }
        }
        if (bits < 1) {
            throw new BadImageException(name, "is a TIFF file with " + bits + "-bit samples, which is invalid");
        }
        if (sampleFormat != 1 || bits > 16) {
            throw new BadImageException(name, "is a TIFF file with " + bits + "-bit "
                    + (sampleFormat == 3 ? "floating-point" : sampleFormat == 2 ? "signed" : "unsigned")
                    + " samples, which jclip cannot decode");
        }
        int samples = tag(tags, BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL, 1);
        if (samples < 1 || samples > 4) {
            // Pillow maps at most four samples (CMYK, RGBA) to a mode; more is not an image it opens.
            throw new BadImageException(name, "is a TIFF file with " + samples + " samples per pixel, which jclip cannot decode");
        }
        int orientation = tag(tags, BaselineTIFFTagSet.TAG_ORIENTATION, 1);
        int[] palette = photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_PALETTE_COLOR
                ? palette(tags, name) : null;
        boolean gray = samples == 1 && photometric <= BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_BLACK_IS_ZERO;
        boolean associatedAlpha = samples == 4 && bits == 8
                && photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_RGB
                && tag(tags, BaselineTIFFTagSet.TAG_EXTRA_SAMPLES, 0) == BaselineTIFFTagSet.EXTRA_SAMPLES_ASSOCIATED_ALPHA;
        ImageIoPixels.Mapping mapping = image -> {
            PixelImage pixels;
            if (palette != null) {
                pixels = ImageIoPixels.palette(image.getRaster(), palette);
            } else if (gray && bits <= 8) {
                pixels = gray(image, bits == 1 ? Mode.ONE : Mode.L);
            } else if (associatedAlpha) {
                pixels = unpremultiplied(image);
            } else {
                pixels = ImageIoPixels.generic(image);
            }
            return ExifOrientation.apply(pixels, orientation);
        };
        int width = reader.getWidth(0), height = reader.getHeight(0);
        boolean turned = orientation >= 5 && orientation <= 8;
        return new ImageIoPixels.Layout(turned ? height : width, turned ? width : height, mapping);
    }

    private static int tag(TIFFDirectory tags, int number, int absent) {
        TIFFField field = tags.getTIFFField(number);
        return field == null ? absent : field.getAsInt(0);
    }

    /** The color map as 0xRRGGBB entries: Pillow keeps each 16-bit value's high byte ({@code b // 256}). */
    private static int[] palette(TIFFDirectory tags, String name) throws BadImageException {
        TIFFField field = tags.getTIFFField(BaselineTIFFTagSet.TAG_COLOR_MAP);
        if (field == null) {
            throw new BadImageException(name, "palette TIFF file without a color map");
        }
        int[] colorMap = field.getAsInts();
        int n = colorMap.length / 3;
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            rgb[i] = (colorMap[i] >> 8) << 16 | (colorMap[n + i] >> 8) << 8 | colorMap[2 * n + i] >> 8;
        }
        return rgb;
    }

    /**
     * One gray band: ImageIO gives gray TIFFs of up to 8 bits a color model whose entries are the
     * gray levels (inverted for WhiteIsZero), which is what Pillow's L and "1" hold.
     */
    private static PixelImage gray(BufferedImage image, Mode mode) {
        byte[] levels = ImageIoPixels.indices(image.getRaster());
        if (image.getColorModel() instanceof IndexColorModel icm) {
            for (int i = 0; i < levels.length; i++) {
                levels[i] = (byte) icm.getRed(levels[i] & 0xFF);
            }
        }
        return PixelImage.of(mode, image.getWidth(), image.getHeight(), levels);
    }

    /**
     * Premultiplied RGBA as Pillow's "RGBa" unpacker makes it straight: colors times 255 / alpha,
     * truncated (ImageIO's own conversion rounds), and all zero where alpha is 0.
     */
    private static PixelImage unpremultiplied(BufferedImage image) {
        PixelImage stored = ImageIoPixels.bands(image.getRaster(), Mode.RGBA, 0, 1, 2, 3);
        byte[] s = stored.samples();
        for (int p = 0; p < s.length; p += 4) {
            int alpha = s[p + 3] & 0xFF;
            if (alpha == 255) {
                continue;
            }
            for (int c = 0; c < 3; c++) {
                s[p + c] = (byte) (alpha == 0 ? 0 : Math.min(255, (s[p + c] & 0xFF) * 255 / alpha));
            }
        }
        return stored;
    }

    /** The compressions the JDK's TIFF reader decodes. */
    private static boolean readable(int compression) {
        return switch (compression) {
            case 1, 2, 3, 4, 5, 6, 7, 8, 32773, 32946 -> true;
            default -> false;
        };
    }

    private static String compressionName(int compression) {
        return switch (compression) {
            case 34712 -> "JPEG 2000";
            case 34887 -> "LERC";
            case 34925 -> "LZMA";
            case 50000 -> "Zstandard";
            case 50001 -> "WebP";
            default -> "type " + compression;
        };
    }
}
