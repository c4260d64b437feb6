package dev.jclip.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A PNG file's chunk list, where ImageIO and Pillow read it differently. Pillow stops reading
 * once the image data is complete, so a file whose chunks are all whole but that lacks the
 * closing IEND chunk opens; ImageIO reads every chunk up to IEND first and fails without it.
 * Pillow checks the CRC of every chunk before the image data and refuses the file on a
 * mismatch; ImageIO checks none.
 */
final class PngChunks {
    private PngChunks() {}

    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;

    /** An IEND chunk: length 0, type, and its CRC. */
    private static final byte[] END_CHUNK = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    /** Refuses the file, as Pillow does, when a chunk before the first IDAT has a wrong CRC. */
    static void checkHeaderCrcs(byte[] png, String name) throws BadImageException {
        ByteBuffer b = ByteBuffer.wrap(png);
        int at = 8;
        while (at + 8 <= png.length) {
            long length = Integer.toUnsignedLong(b.getInt(at));
            int type = b.getInt(at + 4);
            if (type == IDAT || length > png.length - at - 12L) {
                return; // image data reached, or a truncated chunk that the reader reports
            }
            CRC32 crc = new CRC32();
            crc.update(png, at + 4, 4 + (int) length);
            if ((int) crc.getValue() != b.getInt(at + 8 + (int) length)) {
                throw new BadImageException(name, "broken PNG file: wrong checksum in its "
                        + new String(png, at + 4, 4, StandardCharsets.ISO_8859_1) + " chunk");
            }
            at += 12 + (int) length;
        }
    }

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
            if (type == IEND) {
                return png;
            }
            imageData |= type == IDAT;
            if (length > png.length - at - 12L) {
                return png;
            }
            at += 12 + (int) length;
        }
        if (at != png.length || !imageData) {
            return png;
        }
        byte[] ended = Arrays.copyOf(png, png.length + END_CHUNK.length);
        System.arraycopy(END_CHUNK, 0, ended, png.length, END_CHUNK.length);
        return ended;
    }
}
