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
 */
final class GifFrame {
    private GifFrame() {}

    static ImageIoPixels.Layout layout(ImageReader reader) throws IOException {
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
            byte[] indices = new byte[Math.multiplyExact(width, height)];
            Arrays.fill(indices, (byte) fill);
            byte[] own = ImageIoPixels.indices(decoded.getRaster());
            int w = decoded.getWidth();
            for (int y = 0; y < decoded.getHeight(); y++) {
                System.arraycopy(own, y * w, indices, (top + y) * width + left, w);
            }
            int[] palette = ImageIoPixels.paletteOf((IndexColorModel) decoded.getColorModel());
            if (!hasPalette || ImageIoPixels.isGrayRamp(palette)) {
                return PixelImage.of(Mode.L, width, height, indices);
            }
            return PixelImage.ofPalette(width, height, indices, palette);
        });
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        return (IIOMetadataNode) parent.getElementsByTagName(name).item(0);
    }

    private static int intAttribute(IIOMetadataNode node, String name) {
        return Integer.parseInt(node.getAttribute(name));
    }
}
