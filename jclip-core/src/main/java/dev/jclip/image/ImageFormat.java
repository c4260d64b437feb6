package dev.jclip.image;

/**
 * The image formats jclip decodes, told apart by their first bytes (as Pillow does, whatever
 * the file's extension). Formats that Pillow opens but jclip does not are refused by name.
 */
enum ImageFormat {
    PNG("PNG"),
    JPEG("JPEG"),
    GIF("GIF"),
    BMP("BMP"),
    TIFF("TIFF"),
    WEBP("WebP");

    /** How many leading bytes {@link #sniff} needs to tell every format it knows (TGA's header is 18). */
    static final int SIGNATURE_BYTES = 18;

    /** The format's usual name, as errors give it. */
    final String label;

    ImageFormat(String label) {
        this.label = label;
    }

    /** The format of a file starting with {@code b}, else a {@link BadImageException} saying what it is. */
    static ImageFormat sniff(byte[] b, String name) throws BadImageException {
        if (b.length == 0) {
            throw new BadImageException(name, "file is empty");
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 'G', 'I', 'F', '8', '9', 'a')) {
            return GIF;
        }
        if (startsWith(b, 'B', 'M')) {
            return BMP;
        }
        if (startsWith(b, 'I', 'I', '*', 0) || startsWith(b, 'M', 'M', 0, '*')) {
            return TIFF;
        }
        if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return WEBP;
        }
        String other = otherFormat(b);
        if (other != null) {
            throw new BadImageException(name, "is " + other + " file, which jclip cannot decode (it reads "
                    + "PNG, JPEG, GIF, BMP, TIFF and WebP)");
        }
        // The bytes themselves are not shown: the file may be anything, a system file included.
        throw new BadImageException(name, "not a PNG, JPEG, GIF, BMP, TIFF or WebP image (its first bytes are none of their signatures)");
    }

    /** "an ICO" and so on for the signatures of other formats Pillow opens; null for none of them. */
    private static String otherFormat(byte[] b) {
        // ICO and CUR: a reserved 0, the type, then a count of images that cannot be 0.
        boolean someImages = b.length >= 6 && (b[4] != 0 || b[5] != 0);
        if (startsWith(b, 0, 0, 1, 0) && someImages) {
            return "an ICO";
        }
        if (startsWith(b, 0, 0, 2, 0) && someImages) {
            return "a CUR";
        }
        if (b.length >= 2 && b[0] == 'P' && "1234567fF".indexOf(b[1]) >= 0) {
            return "a PPM/PGM/PBM (Netpbm)";
        }
        // Pillow's PCX test: the manufacturer byte 10 and a known version.
        if (b.length >= 2 && b[0] == 0x0A && (b[1] == 0 || b[1] == 2 || b[1] == 3 || b[1] == 5)) {
            return "a PCX";
        }
        if (startsWith(b, '8', 'B', 'P', 'S')) {
            return "a PSD";
        }
        if (startsWith(b, 'q', 'o', 'i', 'f')) {
            return "a QOI";
        }
        if (startsWith(b, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ') || startsWith(b, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "a JPEG 2000";
        }
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "an AVIF/HEIF";
        }
        if (startsWith(b, 'D', 'D', 'S', ' ')) {
            return "a DDS";
        }
        if (startsWith(b, 'i', 'c', 'n', 's')) {
            return "an ICNS";
        }
        if (startsWith(b, '%', '!', 'P', 'S') || startsWith(b, 0xC5, 0xD0, 0xD3, 0xC6)) {
            return "an EPS";
        }
        if (startsWith(b, 0x01, 0xDA)) {
            return "an SGI";
        }
        if (startsWith(b, 0x59, 0xA6, 0x6A, 0x95)) {
            return "a Sun raster";
        }
        if (startsWith(b, 'B', 'L', 'P')) {
            return "a BLP";
        }
        if (startsWith(b, 'S', 'I', 'M', 'P', 'L', 'E')) {
            return "a FITS";
        }
        return looksLikeTga(b) ? "a TGA" : null;
    }

    /**
     * TGA has no signature; Pillow tries it last and accepts a header with a color map type of
     * 0 or 1, a known image type, a nonzero size and a usual pixel depth.
     */
    private static boolean looksLikeTga(byte[] b) {
        if (b.length < 18) {
            return false;
        }
        int imageType = b[2] & 0xFF, depth = b[16] & 0xFF;
        int width = (b[12] & 0xFF) | (b[13] & 0xFF) << 8, height = (b[14] & 0xFF) | (b[15] & 0xFF) << 8;
        boolean knownType = switch (imageType) {
            case 1, 2, 3, 9, 10, 11 -> true;
            default -> false;
        };
        boolean usualDepth = switch (depth) {
            case 1, 8, 16, 24, 32 -> true;
            default -> false;
        };
        return (b[1] == 0 || b[1] == 1) && knownType && usualDepth && width > 0 && height > 0;
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
}
