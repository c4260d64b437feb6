package dev.jclip.image;

import java.util.List;

/**
 * The BMP header variants that Pillow 12's BmpImagePlugin refuses and ImageIO would decode:
 * refused here too, so that jclip never makes an image of a file open_clip cannot open.
 * (One variant goes the other way: empty 32-bit bit fields, which Pillow reads as BGRA.)
 */
final class BmpHeader {
    private BmpHeader() {}

    /** Pillow's whole list of bit fields (red, green, blue, alpha masks) for 32-bit pixels. */
    private static final List<List<Long>> FIELDS_32 = List.of(
            List.of(0xFF0000L, 0xFF00L, 0xFFL, 0L),
            List.of(0xFF000000L, 0xFF0000L, 0xFF00L, 0L),
            List.of(0xFF000000L, 0xFF00L, 0xFFL, 0L),
            List.of(0xFF000000L, 0xFF0000L, 0xFF00L, 0xFFL),
            List.of(0xFFL, 0xFF00L, 0xFF0000L, 0xFF000000L),
            List.of(0xFF0000L, 0xFF00L, 0xFFL, 0xFF000000L),
            List.of(0xFF000000L, 0xFF00L, 0xFFL, 0xFF0000L));

    /** Pillow's bit fields (red, green, blue) for 24- and 16-bit pixels. */
    private static final List<List<Long>> FIELDS_24_16 = List.of(
            List.of(0xFF0000L, 0xFF00L, 0xFFL),
            List.of(0xF800L, 0x7E0L, 0x1FL),
            List.of(0x7C00L, 0x3E0L, 0x1FL));

    /** Refuses a header size, compression or bit-field layout that Pillow refuses. */
    static void check(byte[] bmp, String name) throws BadImageException {
        if (bmp.length < 18) {
            throw new BadImageException(name, "BMP file ends inside its header");
        }
        long headerSize = uint32(bmp, 14);
        if (headerSize == 12) {
            return; // OS/2 core header: no compression, no bit fields
        }
        if (headerSize != 40 && headerSize != 52 && headerSize != 56 && headerSize != 64 && headerSize != 108
                && headerSize != 124) {
            throw new BadImageException(name, "is a BMP file with a " + headerSize
                    + "-byte header, which jclip cannot decode (nor can Pillow)");
        }
        if (bmp.length < 54) {
            throw new BadImageException(name, "BMP file ends inside its header");
        }
        int bits = (bmp[28] & 0xFF) | (bmp[29] & 0xFF) << 8;
        long compression = uint32(bmp, 30);
        if (compression > 3) {
            throw new BadImageException(name, "is a BMP file with compression " + compression
                    + (compression == 4 ? " (JPEG)" : compression == 5 ? " (PNG)" : "")
                    + ", which jclip cannot decode (nor can Pillow)");
        }
        if (compression != 3) {
            return;
        }
        if (bmp.length < 66) {
            throw new BadImageException(name, "BMP file ends inside its bit fields");
        }
        // The masks follow the 40 bytes of the basic header, in it or after it; alpha only in headers of 56 bytes and up.
        long alpha = headerSize >= 56 && bmp.length >= 70 ? uint32(bmp, 66) : 0;
        List<Long> rgb = List.of(uint32(bmp, 54), uint32(bmp, 58), uint32(bmp, 62));
        if (bits == 32 && alpha == 0 && rgb.equals(List.of(0L, 0L, 0L))) {
            // Pillow reads empty bit fields as BGRA; ImageIO has no layout for them.
            throw new BadImageException(name, "is a 32-bit BMP file with empty bit fields, which jclip cannot decode");
        }
        boolean known = switch (bits) {
            case 32 -> FIELDS_32.contains(List.of(rgb.get(0), rgb.get(1), rgb.get(2), alpha));
            case 24, 16 -> FIELDS_24_16.contains(rgb);
            default -> false;
        };
        if (!known) {
            throw new BadImageException(name, "is a " + bits + "-bit BMP file with bit fields " + hex(rgb, alpha)
                    + ", which jclip cannot decode (nor can Pillow)");
        }
    }

    private static String hex(List<Long> rgb, long alpha) {
        return String.format("R %X, G %X, B %X, A %X", rgb.get(0), rgb.get(1), rgb.get(2), alpha);
    }

    private static long uint32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
