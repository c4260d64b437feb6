package dev.jclip.image;

import java.io.ByteArrayOutputStream;

/**
 * The palette indices of an RLE4 or RLE8 BMP as Pillow 12's BmpRleDecoder reads them, quirks
 * included: a run past the end of a row is cut there, skipped pixels (end of line, delta) are
 * index 0, an absolute run in RLE4 reads half its count in bytes (two pixels each), and a
 * bitmap that ends before every pixel is set is refused. ImageIO's reader fills such a bitmap
 * instead, so jclip decodes these indices itself and takes only the palette from ImageIO.
 */
final class BmpRle {
    private BmpRle() {}

    /** Whether the BMP's header declares RLE8 (1) or RLE4 (2) compression. */
    static boolean isRle(byte[] bmp) {
        int compression = bmp.length >= 34 ? int32(bmp, 30) : 0;
        return compression == 1 || compression == 2;
    }

    /** The {@code width x height} indices, top row first. */
    static byte[] indices(byte[] bmp, int width, int height, String name) throws BadImageException {
        boolean rle4 = int32(bmp, 30) == 2;
        boolean topDown = int32(bmp, 22) < 0;
        int at = int32(bmp, 10);
        int total = Math.multiplyExact(width, height);
        ByteArrayOutputStream data = new ByteArrayOutputStream(total);
        int x = 0;
        while (data.size() < total && at >= 0 && at + 1 < bmp.length) {
            int count = bmp[at] & 0xFF, value = bmp[at + 1] & 0xFF;
            at += 2;
            if (count > 0) {
                count = Math.min(count, Math.max(0, width - x));
                for (int i = 0; i < count; i++) {
                    data.write(!rle4 ? value : i % 2 == 0 ? value >> 4 : value & 0x0F);
                }
                x += count;
            } else if (value == 0) { // end of line
                while (data.size() % width != 0) {
                    data.write(0);
                }
                x = 0;
            } else if (value == 1) { // end of bitmap
                break;
            } else if (value == 2) { // delta: right, then down (in file order)
                if (at + 1 >= bmp.length) {
                    break;
                }
                int skip = (bmp[at] & 0xFF) + (bmp[at + 1] & 0xFF) * width;
                at += 2;
                data.write(new byte[skip], 0, skip);
                x = data.size() % width;
            } else { // absolute run of `value` pixels
                int bytes = rle4 ? value / 2 : value;
                int available = Math.min(bytes, bmp.length - at);
                for (int i = 0; i < available; i++) {
                    int b = bmp[at + i] & 0xFF;
                    if (rle4) {
                        data.write(b >> 4);
                        data.write(b & 0x0F);
                    } else {
                        data.write(b);
                    }
                }
                at += available;
                if (available < bytes) {
                    break;
                }
                x += value;
                at += at % 2; // runs end on a 16-bit boundary of the file
            }
        }
        if (data.size() < total) {
            throw new BadImageException(name, "RLE bitmap ends after " + data.size() + " of its " + total
                    + " pixels (Pillow refuses it: not enough image data)");
        }
        byte[] rows = data.toByteArray();
        byte[] out = new byte[total];
        for (int y = 0; y < height; y++) {
            System.arraycopy(rows, (topDown ? y : height - 1 - y) * width, out, y * width, width);
        }
        return out;
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }
}
