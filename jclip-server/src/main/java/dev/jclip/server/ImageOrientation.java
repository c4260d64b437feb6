package dev.jclip.server;

/**
 * The EXIF orientation tag (1..8) of a JPEG (APP1 segment), PNG ({@code eXIf} chunk) or WebP
 * ({@code EXIF} chunk), which browsers apply when they show the file; 1 when there is none or it
 * cannot be read. TIFF files need none: the decoder applies their tag as it loads them.
 */
final class ImageOrientation {
    private static final int ORIENTATION_TAG = 0x0112;

    private ImageOrientation() {}

    static int of(byte[] b) {
        if (b.length > 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return jpeg(b);
        }
        if (b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return png(b);
        }
        if (b.length > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return webp(b);
        }
        return 1;
    }

    private static int jpeg(byte[] b) {
        int at = 2;
        while (at + 4 <= b.length && (b[at] & 0xFF) == 0xFF) {
            int marker = b[at + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break; // image data follows: EXIF comes before it
            }
            int length = u16(b, at + 2, false);
            if (marker == 0xE1 && startsWithExif(b, at + 4)) {
                return tiff(b, at + 10, at + 2 + length);
            }
            at += 2 + length;
        }
        return 1;
    }

    private static int png(byte[] b) {
        int at = 8;
        while (at + 8 <= b.length) {
            long length = u32(b, at, false);
            if (length > b.length - at - 12) {
                break;
            }
            if (b[at + 4] == 'e' && b[at + 5] == 'X' && b[at + 6] == 'I' && b[at + 7] == 'f') {
                return tiff(b, at + 8, at + 8 + (int) length);
            }
            if (b[at + 4] == 'I' && b[at + 5] == 'D' && b[at + 6] == 'A' && b[at + 7] == 'T') {
                break;
            }
            at += 12 + (int) length;
        }
        return 1;
    }

    private static int webp(byte[] b) {
        int at = 12;
        while (at + 8 <= b.length) {
            long size = u32(b, at + 4, true);
            if (size > b.length - at - 8) {
                break;
            }
            if (b[at] == 'E' && b[at + 1] == 'X' && b[at + 2] == 'I' && b[at + 3] == 'F') {
                int start = startsWithExif(b, at + 8) ? at + 14 : at + 8; // some writers keep JPEG's prefix
                return tiff(b, start, at + 8 + (int) size);
            }
            at += 8 + (int) size + (int) (size & 1);
        }
        return 1;
    }

    /** The orientation in IFD0 of the TIFF structure in {@code b[start, end)}. */
    private static int tiff(byte[] b, int start, int end) {
        end = Math.min(end, b.length);
        if (end - start < 8) {
            return 1;
        }
        boolean little = b[start] == 'I' && b[start + 1] == 'I';
        if (!little && !(b[start] == 'M' && b[start + 1] == 'M')) {
            return 1;
        }
        long ifd = start + u32(b, start + 4, little);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == ORIENTATION_TAG) {
                int value = u16(b, e + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static boolean startsWithExif(byte[] b, int at) {
        return at + 6 <= b.length && b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0 && b[at + 5] == 0;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xFF, y = b[at + 1] & 0xFF;
        return little ? y << 8 | x : x << 8 | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, little ? at + 2 : at, little), lo = u16(b, little ? at : at + 2, little);
        return hi << 16 | lo;
    }
}
