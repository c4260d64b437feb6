package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link ImageDecoder} with any bytes, so every format it sniffs (JPEG, WebP and PNG of up to
 * 8 bits decoded in jclip, other PNG, GIF, BMP and TIFF through ImageIO and jclip's mapping to
 * Pillow's pixels): an image
 * decodes within the pixel limit, with as many samples as its size and mode need, or is refused
 * with a {@link BadImageException} naming it. A refusal that wraps an unchecked exception thrown
 * in jclip's own code hides a defect, and fails too.
 */
class ImageDecoderFuzzTest {
    private static final String NAME = "fuzz-input";
    private static final long MAX_PIXELS = 1 << 20;
    private static final ImageDecoder DECODER = new ImageDecoder(MAX_PIXELS);

    @FuzzTest
    void decode(byte[] file) {
        PixelImage image;
        try {
            image = DECODER.decode(file, NAME);
        } catch (BadImageException e) {
            assertTrue(e.getMessage().contains(NAME), e.getMessage());
            if (e.getCause() instanceof RuntimeException cause && thrownByJclip(cause)) {
                throw new AssertionError("a defect in jclip, reported as a bad image: " + e.getMessage(), cause);
            }
            return;
        }
        assertTrue(image.width() > 0 && image.height() > 0, image.toString());
        assertTrue((long) image.width() * image.height() <= MAX_PIXELS, image.toString());
        assertEquals(3L * image.width() * image.height(), image.toRgb().length, image.toString());
    }

    private static boolean thrownByJclip(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("dev.jclip.");
    }
}
