package dev.jclip.image;

import java.util.List;
import java.util.Locale;

/**
 * The image file extensions jclip looks for: those of the formats {@link ImageDecoder} reads.
 */
public final class ImageExtensions {
    /** Lower case, in order of preference where a sample has several images. */
    public static final List<String> ALL = List.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private ImageExtensions() {
    }

    /** Whether {@code fileName} ends in a dot and one of {@link #ALL}, in any case. */
    public static boolean matches(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && ALL.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
