package dev.jclip.image;

import dev.jclip.image.PixelImage.Mode;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;

/**
 * A GIF's first frame as Pillow 12's GifImagePlugin opens it: the size of the logical screen
 * (grown to hold the frame if it reaches beyond), the frame's indices placed at its offset, and
 * the rest filled with the frame's transparent index, else 0 (not the background color). Mode P
 * with the frame's palette (its local one, else the global one), or L when that palette is the
 * identity gray ramp or there is none. ImageIO's reader gives only the frame's own rectangle.
 *
 * <p>An interlaced first frame is given to ImageIO with its interlace flag cleared, and its
 * rows, which then come out in the order stored, are put in place here: the JDK's reader
 * misplaces the rows of interlaced frames 2 to 4 rows high.
 */
final class GifFrame {
    private GifFrame() {}

    /** The interlace bit of an image descriptor's flags. */
    private static final int INTERLACED = 0x40;

    /** The file with the first frame's interlace flag cleared, or the file itself if it has none. */
    static byte[] withoutInterlace(byte[] gif) {
        int flags = firstFrameFlags(gif);
        if (flags < 0 || (gif[flags] & INTERLACED) == 0) {
            return gif;
        }
        byte[] copy = gif.clone();
        copy[flags] &= (byte) ~INTERLACED;
        return copy;
    }

    /** {@code gif} is the file as it is, before {@link #withoutInterlace}. */
    static ImageIoPixels.Layout layout(ImageReader reader, byte[] gif, String name) throws IOException {
        int flags = firstFrameFlags(gif);
        boolean interlaced = flags >= 0 && (gif[flags] & INTERLACED) != 0;
        IIOMetadataNode stream = (IIOMetadataNode) reader.getStreamMetadata().getAsTree("javax_imageio_gif_stream_1.0");
        IIOMetadataNode image = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode screen = child(stream, "LogicalScreenDescriptor");
        IIOMetadataNode frame = child(image, "ImageDescriptor");
        IIOMetadataNode control = child(image, "GraphicControlExtension");
        int left = intAttribute(frame, "imageLeftPosition"), top = intAttribute(frame, "imageTopPosition");
        int width = Math.max(intAttribute(screen, "logicalScreenWidth"), left + intAttribute(frame, "imageWidth"));
        int height = Math.max(intAttribute(screen, "logicalScreenHeight"), top + intAttribute(frame, "imageHeight"));
        int fill = control != null && control.getAttribute("transparentColorFlag").equals("TRUE")
                ? intAttribute(control, "transparentColorIndex") : 0;
        boolean hasPalette = child(stream, "GlobalColorTable") != null || child(image, "LocalColorTable") != null;
        return new ImageIoPixels.Layout(width, height, decoded -> {
            int framePixels = Math.multiplyExact(decoded.getWidth(), decoded.getHeight());
            int coded = flags < 0 ? framePixels : pixelsCoded(gif, flags, framePixels);
            if (coded < framePixels) {
                // ImageIO fills the rest with index 0; Pillow refuses the file as truncated.
                throw new BadImageException(name, "GIF frame data ends after " + coded + " of its " + framePixels
                        + " pixels (truncated or corrupt)");
            }
            byte[] indices = new byte[Math.multiplyExact(width, height)];
            Arrays.fill(indices, (byte) fill);
            byte[] own = ImageIoPixels.indices(decoded.getRaster());
            int w = decoded.getWidth(), h = decoded.getHeight();
            int[] rows = interlaced ? interlacedRows(h) : null;
            for (int y = 0; y < h; y++) {
                int row = interlaced ? rows[y] : y;
                System.arraycopy(own, y * w, indices, (top + row) * width + left, w);
            }
            int[] palette = ImageIoPixels.paletteOf((IndexColorModel) decoded.getColorModel());
            if (!hasPalette || ImageIoPixels.isGrayRamp(palette)) {
                return PixelImage.of(Mode.L, width, height, indices);
            }
            return PixelImage.ofPalette(width, height, indices, palette);
        });
    }

    /** Where stored row k of an interlaced frame {@code height} rows high goes: passes 0/8, 4/8, 2/4, 1/2. */
    private static int[] interlacedRows(int height) {
        int[] rows = new int[height];
        int k = 0;
        int[][] passes = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};
        for (int[] pass : passes) {
            for (int y = pass[0]; y < height; y += pass[1]) {
                rows[k++] = y;
            }
        }
        return rows;
    }

    /**
     * The offset of the first image descriptor's flags byte, found by stepping over the header,
     * the global color table and any extension blocks; -1 if the file ends first (ImageIO then
     * reports it).
     */
    private static int firstFrameFlags(byte[] gif) {
        if (gif.length < 13) {
            return -1;
        }
        int at = 13 + ((gif[10] & 0x80) != 0 ? 3 << ((gif[10] & 7) + 1) : 0);
        while (at < gif.length) {
            int introducer = gif[at] & 0xFF;
            if (introducer == 0x2C) {
                return at + 9 < gif.length ? at + 9 : -1;
            }
            if (introducer != 0x21 || at + 2 >= gif.length) {
                return -1;
            }
            at += 2; // introducer and label, then sub-blocks up to an empty one
            while (at < gif.length && gif[at] != 0) {
                at += 1 + (gif[at] & 0xFF);
            }
            at++;
        }
        return -1;
    }

    /**
     * How many pixels the first frame's LZW data codes, up to {@code needed}: its codes are
     * followed through the sub-blocks, keeping only each table entry's length, until the end
     * code, the end of the data, or a code the table does not have yet (corrupt data).
     */
    private static int pixelsCoded(byte[] gif, int flags, int needed) {
        int at = flags + 1 + ((gif[flags] & 0x80) != 0 ? 3 << ((gif[flags] & 7) + 1) : 0);
        if (at >= gif.length) {
            return 0;
        }
        int minSize = gif[at++] & 0xFF;
        if (minSize < 1 || minSize > 11) {
            return 0;
        }
        int clear = 1 << minSize, end = clear + 1;
        int[] lengths = new int[4096];
        Arrays.fill(lengths, 0, clear, 1);
        int size = minSize + 1, next = clear + 2, previous = -1, pixels = 0;
        int bits = 0, buffered = 0, blockLeft = 0;
        while (pixels < needed) {
            while (buffered < size) { // refill from the sub-blocks
                if (blockLeft == 0) {
                    blockLeft = at < gif.length ? gif[at++] & 0xFF : 0;
                    if (blockLeft == 0) {
                        return pixels;
                    }
                }
                if (at >= gif.length) {
                    return pixels;
                }
                bits |= (gif[at++] & 0xFF) << buffered;
                buffered += 8;
                blockLeft--;
            }
            int code = bits & ((1 << size) - 1);
            bits >>>= size;
            buffered -= size;
            if (code == clear) {
                size = minSize + 1;
                next = clear + 2;
                previous = -1;
                continue;
            }
            if (code == end || code > next || (previous < 0 && code >= clear)) {
                return pixels;
            }
            int length = code == next ? lengths[previous] + 1 : lengths[code];
            if (previous >= 0 && next < lengths.length) {
                lengths[next++] = lengths[previous] + 1;
                if (next == 1 << size && size < 12) {
                    size++;
                }
            }
            pixels += length;
            previous = code;
        }
        return pixels;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        return (IIOMetadataNode) parent.getElementsByTagName(name).item(0);
    }

    private static int intAttribute(IIOMetadataNode node, String name) {
        return Integer.parseInt(node.getAttribute(name));
    }
}
