package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code parity/jpeg} (made by {@code parity/make_jpeg_cases.py}): the pixels
 * Pillow 12.3 decodes, sample for sample, or the refusal jclip must give.
 */
class JpegDecoderTest {
    private static final String DIR = "/parity/jpeg/";

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = JpegDecoderTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, "missing test resource " + DIR + file);
            return in.readAllBytes();
        }
    }

    private static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        new ObjectMapper().readTree(resource("cases.json")).forEach(cases::add);
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> matchesPillow() throws IOException {
        return cases().stream().filter(c -> !c.has("error")).map(c -> DynamicTest.dynamicTest(
                c.get("name").asText() + " (" + c.get("note").asText() + ")", () -> {
                    String name = c.get("name").asText();
                    PixelImage image = JpegDecoder.decode(resource(name + ".jpg"), name + ".jpg",
                            ImageDecoder.DEFAULT_MAX_PIXELS);
                    assertEquals(c.get("mode").asText(), image.mode() == PixelImage.Mode.ONE ? "1" : image.mode().name());
                    assertEquals(c.get("width").asInt(), image.width());
                    assertEquals(c.get("height").asInt(), image.height());
                    byte[] expected = resource(name + ".raw");
                    byte[] actual = image.samples();
                    assertEquals(expected.length, actual.length);
                    int worst = 0, differing = 0;
                    for (int i = 0; i < expected.length; i++) {
                        int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
                        worst = Math.max(worst, d);
                        differing += d != 0 ? 1 : 0;
                    }
                    assertEquals(0, worst, name + ": " + differing + " of " + expected.length
                            + " samples differ from Pillow, by up to " + worst);
                }));
    }

    @TestFactory
    Stream<DynamicTest> refusesLikePillowOrNames() throws IOException {
        return cases().stream().filter(c -> c.has("error")).map(c -> DynamicTest.dynamicTest(
                c.get("name").asText() + " (" + c.get("note").asText() + ")", () -> {
                    String name = c.get("name").asText() + ".jpg";
                    byte[] data = resource(name);
                    BadImageException e = assertThrows(BadImageException.class,
                            () -> JpegDecoder.decode(data, name, ImageDecoder.DEFAULT_MAX_PIXELS));
                    assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                    assertTrue(e.getMessage().contains(c.get("error").asText()), e.getMessage());
                }));
    }

    @Test
    void everyCaseIsChecked() throws IOException {
        List<JsonNode> cases = cases();
        assertTrue(cases.size() >= 40, "only " + cases.size() + " cases");
    }

    /** Every prefix of a file is refused as truncated, wherever it is cut (marker segment, scan, between scans). */
    @Test
    void everyTruncationIsRefusedAsTruncated() throws IOException {
        for (String file : new String[] {"pil_q90_420_64x48", "pil_prog_420_61x45", "cj_multiscan_seq_27x19",
                "cj_restart_seq_33x21"}) {
            byte[] data = resource(file + ".jpg");
            for (int n = 2; n < data.length; n++) {
                byte[] cut = Arrays.copyOf(data, n);
                BadImageException e = assertThrows(BadImageException.class, () -> JpegDecoder.decode(cut, "t.jpg", 1 << 20),
                        file + " cut to " + n + " bytes");
                assertTrue(e.getMessage().startsWith("t.jpg: truncated JPEG file"), e.getMessage());
            }
        }
    }

    /** Random bytes overwritten anywhere: a decoded image or a BadImageException, never another failure. */
    @Test
    void corruptBytesGiveBadImageExceptionOnly() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        int refused = 0;
        for (String file : new String[] {"pil_q90_420_64x48", "pil_prog_420_61x45", "cj_smooth_partial_41x35",
                "cj_restart_prog_45x37", "tj_ycck_32x24", "cj_3x2_22x19"}) {
            byte[] data = resource(file + ".jpg");
            for (int t = 0; t < 300; t++) {
                byte[] bad = data.clone();
                for (int k = rng.nextInt(1, 5); k > 0; k--) {
                    bad[rng.nextInt(2, bad.length)] = (byte) rng.nextInt(256);
                }
                try {
                    JpegDecoder.decode(bad, "c.jpg", 1 << 20);
                } catch (BadImageException e) {
                    assertTrue(e.getMessage().startsWith("c.jpg: "), e.getMessage());
                    refused++;
                }
            }
        }
        assertTrue(refused > 100, "only " + refused + " of 1800 corrupted files refused");
    }

    @Test
    void pixelLimitIsCheckedBeforeDecoding() throws IOException {
        byte[] data = resource("pil_q90_420_64x48.jpg");
        BadImageException e = assertThrows(BadImageException.class, () -> JpegDecoder.decode(data, "a.jpg", 3071));
        assertEquals("a.jpg: image declares 64x48 = 3072 pixels, more than the limit of 3071"
                + " (possible decompression bomb)", e.getMessage());
        assertEquals(64, JpegDecoder.decode(data, "a.jpg", 3072).width());
    }

    @Test
    void notJpeg() {
        BadImageException e = assertThrows(BadImageException.class,
                () -> JpegDecoder.decode(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "x.png", 100));
        assertEquals("x.png: not a JPEG file (no SOI marker)", e.getMessage());
    }
}
