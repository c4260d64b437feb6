package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with Pillow 12.3 / libwebp 1.6 on the cases of {@code parity/make_webp_cases.py}:
 * the same mode, size and every sample, or a refusal where Pillow refuses.
 */
class WebpDecoderTest {
    private static final String DIR = "/parity/webp/";

    /** One line of cases.tsv: the mode Pillow decoded (or ERROR) and the size. */
    record Case(String name, String mode, int width, int height) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : new String(resource("cases.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            cases.add(new Case(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        }
        assertTrue(cases.size() >= 40, "cases.tsv lists " + cases.size() + " cases");
        return cases;
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = WebpDecoderTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, "missing test resource " + DIR + file);
            return in.readAllBytes();
        }
    }

    private static byte[] expectedPixels(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(WebpDecoderTest.class.getResourceAsStream(DIR + name + ".raw.gz"))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPillow(Case c) throws IOException {
        byte[] file = resource(c.name + ".webp");
        if (c.mode.equals("ERROR")) {
            BadImageException e = assertThrows(BadImageException.class,
                    () -> WebpDecoder.decode(file, c.name + ".webp", ImageDecoder.DEFAULT_MAX_PIXELS));
            assertTrue(e.getMessage().startsWith(c.name + ".webp: "), e.getMessage());
            return;
        }
        PixelImage image = WebpDecoder.decode(file, c.name + ".webp", ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(c.mode, image.mode().name(), "mode");
        assertEquals(c.width, image.width(), "width");
        assertEquals(c.height, image.height(), "height");
        byte[] expected = expectedPixels(c.name);
        byte[] actual = image.samples();
        assertEquals(expected.length, actual.length, "sample count");
        int worst = 0, at = -1, differing = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (d > 0) {
                differing++;
            }
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        int bands = image.mode().bands;
        assertEquals(0, worst, c.name + ": " + differing + " samples differ, worst " + worst + " at pixel ("
                + (at / bands) % c.width + ", " + (at / bands) / c.width + ") band " + at % bands);
    }

    @Test
    void refusesImagesOverThePixelLimitBeforeDecoding() throws IOException {
        byte[] file = resource("lossy_q75_m6.webp"); // 64x48
        BadImageException e = assertThrows(BadImageException.class,
                () -> WebpDecoder.decode(file, "big.webp", 64 * 48 - 1));
        assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());
        assertEquals(64, WebpDecoder.decode(file, "big.webp", 64 * 48).width());
        byte[] huge = resource("anim_offset_alpha.webp").clone(); // canvas 40x30 in the VP8X header
        huge[24] = huge[25] = huge[26] = huge[27] = huge[28] = huge[29] = (byte) 0xFF; // 16777216 x 16777216
        e = assertThrows(BadImageException.class, () -> WebpDecoder.decode(huge, "huge.webp", Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("too large to decode"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotWebp() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0};
        BadImageException e = assertThrows(BadImageException.class,
                () -> WebpDecoder.decode(png, "x.png", 1000));
        assertEquals("x.png: not a WebP file (no RIFF/WEBP header)", e.getMessage());
    }

    @Test
    void damagedBytesDecodeOrFailByName() throws IOException {
        Random random = new Random(5);
        for (String name : List.of("lossy_alpha_q30_m6", "lossless_rgba_m6", "anim_lossless_rgba", "libwebp_q0")) {
            byte[] file = resource(name + ".webp");
            for (int trial = 0; trial < 60; trial++) {
                byte[] damaged = file.clone();
                for (int k = 0; k < 1 + trial % 4; k++) {
                    damaged[12 + random.nextInt(file.length - 12)] ^= (byte) (1 + random.nextInt(255));
                }
                try {
                    PixelImage image = WebpDecoder.decode(damaged, "damaged.webp", 1 << 20);
                    assertTrue(image.width() > 0 && image.height() > 0);
                } catch (BadImageException e) {
                    assertTrue(e.getMessage().startsWith("damaged.webp: "), e.getMessage());
                }
            }
        }
    }

    @Test
    void namesTheTruncationOfEveryPrefix() throws IOException {
        for (String name : List.of("lossy_alpha_q100", "lossless_rgba", "anim_offset_alpha")) {
            byte[] file = resource(name + ".webp");
            for (int n = 0; n < file.length; n += Math.max(1, file.length / 97)) {
                byte[] prefix = Arrays.copyOf(file, n);
                BadImageException e = assertThrows(BadImageException.class,
                        () -> WebpDecoder.decode(prefix, "cut.webp", 1 << 20), name + " cut at " + n);
                assertTrue(e.getMessage().startsWith("cut.webp: "), e.getMessage());
            }
        }
    }
}
