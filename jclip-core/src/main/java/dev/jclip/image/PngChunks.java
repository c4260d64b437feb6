package dev.jclip.image;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A PNG file's chunk list, for the one place where ImageIO is stricter than Pillow: Pillow
 * stops reading once the image data is complete, so a file whose chunks are all whole but
 * that lacks the closing IEND chunk opens; ImageIO reads every chunk up to IEND first and
 * fails without it.
 */
final class PngChunks {
    private PngChunks() {}

    /** An IEND chunk: length 0, type, and its CRC. */
    private static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    /**
     * {@code png} with an IEND chunk appended when its chunks are whole, include image data and
     * end exactly at the end of the file without one; otherwise {@code png} itself (a truncated
     * file stays truncated, and is refused).
     */
    static byte[] withEnd(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        int at = 8;
        boolean imageData = false;
        while (at + 8 <= png.length) {
            long length = Integer.toUnsignedLong(b.getInt(at));
            int type = b.getInt(at + 4);
            if (type == 0x49454E44) { // IEND
                return png;
            }
            imageData |= type == 0x49444154; // IDAT
            if (length > png.length - at - 12L) {
                return png;
            }
            at += 12 + (int) length;
        }
        if (at != png.length || !imageData) {
            return png;
        }
        byte[] ended = Arrays.copyOf(png, png.length + IEND.length);
        System.arraycopy(IEND, 0, ended, png.length, IEND.length);
        return ended;
    }
}
