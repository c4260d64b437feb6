package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of {@code parity/formats} (made by {@code parity/make_format_cases.py}) decodes as
 * Pillow 12.3 opens it: the same mode (or, for Pillow's big-endian 16-bit gray, the mode holding
 * the same values), size and {@code convert("RGB")} pixels, exactly; where Pillow refuses the
 * file, a {@link BadImageException} naming it. Some cases also go through open_clip's evaluation
 * transform for 224 pixels, compared before ToTensor and Normalize.
 */
class FormatParityTest {
    private static final String DIR = "/parity/formats/";

    record Case(String name, String file, String pillowMode, int width, int height, boolean preprocessed,
                String pillowError) {
        String format() {
            return name.substring(0, name.indexOf('_'));
        }
    }

    @TestFactory
    List<DynamicTest> decodesAsPillowDoes() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
        }
        assertEquals(162, tests.size(), "cases.tsv lists every case the script makes");
        return tests;
    }

    /** A file is refused for what it is whether it is read from disk or given as bytes (TGA needs 18 bytes to tell). */
    @Test
    void filesAreToldApartAsTheirBytesAre(@TempDir Path dir) throws IOException {
        for (String name : List.of("other_tga.tga", "other_ico.ico", "other_pcx.pcx")) {
            Path file = Files.write(dir.resolve(name), resource(name));
            String fromFile = assertThrows(BadImageException.class, () -> new ImageDecoder().decode(file)).getMessage();
            String fromBytes = assertThrows(BadImageException.class,
                    () -> new ImageDecoder().decode(resource(name), name)).getMessage();
            assertEquals(fromBytes.substring(name.length()), fromFile.substring(file.toString().length()));
        }
    }

    private static void check(Case c) throws IOException {
        byte[] file = resource(c.file());
        if (c.name().contains("_unsupported_")) {
            BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder().decode(file, c.file()),
                    c.file() + " (Pillow: " + (c.pillowError().isEmpty() ? c.pillowMode() : c.pillowError()) + ")");
            assertTrue(e.getMessage().startsWith(c.file() + ": is a TIFF file with ")
                    && e.getMessage().endsWith(", which jclip cannot decode"), e.getMessage());
            return;
        }
        if (c.name().contains("_refused_")) {
            // Damaged files that Pillow opens and fills with black where data is missing; jclip refuses them.
            BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder().decode(file, c.file()));
            assertTrue(e.getMessage().startsWith(c.file() + ": "), e.getMessage());
            return;
        }
        if (c.pillowMode().equals("error")) {
            BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder().decode(file, c.file()),
                    "Pillow refuses " + c.file() + " (" + c.pillowError() + ")");
            assertTrue(e.getMessage().startsWith(c.file() + ": "), e.getMessage());
            return;
        }
        if (c.format().equals("other")) {
            BadImageException e = assertThrows(BadImageException.class, () -> new ImageDecoder().decode(file, c.file()));
            String format = c.file().substring(c.file().indexOf('.') + 1).toUpperCase(Locale.ROOT);
            assertTrue(e.getMessage().startsWith(c.file() + ": is ") && e.getMessage().contains(format)
                    && e.getMessage().contains("which jclip cannot decode"),
                    e.getMessage());
            return;
        }
        PixelImage image = new ImageDecoder().decode(file, c.file());
        assertEquals(samePixelsAs(c.pillowMode()), image.mode().pillowName(), c.file() + ": mode");
        assertEquals(c.width() + "x" + c.height(), image.width() + "x" + image.height(), c.file() + ": size");
        assertMaxDiff(resource(c.name() + ".rgb"), image.toRgb(), 0, c.file() + ": convert(\"RGB\")");
        if (c.preprocessed()) {
            byte[] expected;
            try (InputStream in = new GZIPInputStream(stream(c.name() + ".224.rgb.gz"))) {
                expected = in.readAllBytes();
            }
            PixelImage cropped = ImagePreprocessor.clip(224).resizeAndCrop(image);
            assertMaxDiff(expected, cropped.toRgb(), 1, c.file() + ": resized, cropped and made RGB for 224");
        }
    }

    /** Pillow's mode name as jclip holds it: big-endian 16-bit gray has the same values as little-endian. */
    private static String samePixelsAs(String pillowMode) {
        return pillowMode.equals("I;16B") ? "I;16" : pillowMode;
    }

    private static void assertMaxDiff(byte[] expected, byte[] actual, int tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": byte count");
        int worst = 0, at = -1;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > tolerance) {
            fail(what + ": max difference " + worst + " (allowed " + tolerance + ") at sample " + at + " (pixel "
                    + at / 3 + "): expected " + (expected[at] & 0xFF) + ", got " + (actual[at] & 0xFF));
        }
    }

    private static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : new String(resource("cases.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertEquals(7, f.length, "cases.tsv line: " + line);
            cases.add(new Case(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), f[5].equals("1"),
                    f[6]));
        }
        return cases;
    }

    private static InputStream stream(String name) {
        InputStream in = FormatParityTest.class.getResourceAsStream(DIR + name);
        assertNotNull(in, "missing test resource " + DIR + name);
        return in;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        }
    }
}
