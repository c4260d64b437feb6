package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresShared;
import dev.jclip.testing.Shared;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImagePreprocessorTest {
    /** CLIP's normalization as the fixtures' README states it (float32, as torch holds it). */
    private static final float[] MEAN = {(float) 0.48145466, (float) 0.4578275, (float) 0.40821073};
    private static final float[] STD = {(float) 0.26862954, (float) 0.26130258, (float) 0.27577711};

    record Case(String file, String mode, int width, int height, int size, String tensor) {
        @Override
        public String toString() {
            return file + " (" + mode + " -> " + size + ")";
        }
    }

    static Stream<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Shared.path("fixtures/preprocess/cases.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            cases.add(new Case(c.get("file").asText(), c.get("mode").asText(), c.get("width").asInt(),
                    c.get("height").asInt(), c.get("size").asInt(), c.get("tensor").asText()));
        }
        assertEquals(9, cases.size(), "cases.json lists the nine reference images");
        return cases.stream();
    }

    /**
     * Each reference image against Pillow 9.4 + torchvision 0.14: within 1/255 per
     * value before normalization (the tolerance the fixtures allow), and in fact equal
     * bit for bit, since the fixed-point resampling is replicated exactly.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @RequiresShared
    void matchesPillowAndTorchvision(Case c) throws IOException {
        PixelImage decoded = new ImageDecoder().decode(Shared.path("fixtures/preprocess/" + c.file()));
        assertEquals(c.mode(), decoded.mode().name(), "Pillow's mode for " + c.file());
        assertEquals(c.width(), decoded.width());
        assertEquals(c.height(), decoded.height());

        Tensor got = ImagePreprocessor.clip(c.size()).preprocess(decoded);
        float[] expected;
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/preprocess/expected.safetensors"))) {
            assertArrayEquals(new int[] {3, c.size(), c.size()}, st.info(c.tensor()).shape());
            expected = st.floats(c.tensor());
        }
        assertArrayEquals(new int[] {3, c.size(), c.size()}, got.shape());

        int plane = c.size() * c.size();
        double maxError = 0;
        for (int i = 0; i < expected.length; i++) {
            int ch = i / plane;
            double want = expected[i] * STD[ch] + MEAN[ch];
            double have = got.data()[i] * STD[ch] + MEAN[ch];
            maxError = Math.max(maxError, Math.abs(want - have));
        }
        assertTrue(maxError <= 1.0 / 255 + 1e-6, c.file() + ": max error before normalization " + maxError * 255 + "/255");
        assertArrayEquals(expected, got.data(), 0f, c.file() + ": not bit-identical to the reference");
    }

    /** The same image given as a BufferedImage (RGB in memory) gives the same tensor as its PNG file. */
    @Test
    @RequiresShared
    void bufferedImageMatchesFile() throws IOException {
        var path = Shared.path("fixtures/preprocess/odd_225x301.png");
        BufferedImage image = javax.imageio.ImageIO.read(path.toFile());
        ImagePreprocessor clip = ImagePreprocessor.clip(224);
        assertArrayEquals(clip.preprocess(path).data(), clip.preprocess(image).data(), 0f);
    }

    /**
     * Resize and crop geometry by hand: 300x100 to 64 resizes to int(64*300/100) = 192
     * x 64 and crops at x = round(128/2) = 64; 5x8 to 4 resizes to 4 x int(32/5) = 6 and
     * crops at y = round(1.0) = 1; 4x7 to 2 gives 2 x int(14/4) = 3 and y = round(0.5),
     * which Python rounds half to even: 0.
     */
    @Test
    void resizeAndCropGeometry() {
        ImagePreprocessor p64 = ImagePreprocessor.clip(64);
        PixelImage wide = columnIndexImage(300, 100);
        PixelImage out = p64.resizeAndCrop(wide);
        assertEquals(64, out.width());
        assertEquals(64, out.height());
        // Nearest resize of a palette image whose index is the column: output column x of the
        // 192-wide resize reads input column (int)((x + 0.5) * 300 / 192), crop starts at x = 64.
        for (int x = 0; x < 64; x++) {
            int column = (int) ((64 + x + 0.5) * 300 / 192);
            assertEquals(column, out.samples()[x] & 0xFF, "column " + x);
        }

        PixelImage tall = rowIndexImage(5, 8);
        PixelImage cropped = ImagePreprocessor.clip(4).resizeAndCrop(tall);
        // 8 rows to 6: row y reads input row (int)((y + 0.5) * 8/6), kept rows 1..4. For y = 4
        // that is 6 exactly, but Pillow adds 8/6 four times to 8/12 and gets 5.999..., so row 5
        // (Pillow 9.4 gives [0, 2, 3, 4, 5, 7] for the whole column).
        int[] rows = new int[4];
        for (int y = 0; y < 4; y++) {
            rows[y] = cropped.samples()[y * 4] & 0xFF;
        }
        assertArrayEquals(new int[] {2, 3, 4, 5}, rows);

        PixelImage half = ImagePreprocessor.clip(2).resizeAndCrop(rowIndexImage(4, 7));
        // 7 rows to 3 (step 7/3): rows 1, 3, 5; half-to-even crop keeps the first two.
        assertEquals(1, half.samples()[0] & 0xFF);
        assertEquals(3, half.samples()[2] & 0xFF);
    }

    /** A 1 x 10,000,000 strip would need a 224 x 2,240,000,000 resize: refused with a clear message. */
    @Test
    void refusesImpossiblyElongatedImage() {
        PixelImage strip = PixelImage.of(PixelImage.Mode.L, 1, 10_000_000, new byte[10_000_000]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImagePreprocessor.clip(224).preprocess(strip));
        assertEquals("a 1x10000000 image is too elongated to resize its shorter side to 224", e.getMessage());
    }

    /** A P image whose index at (x, y) is x (palette: 256 gray levels, irrelevant here). */
    private static PixelImage columnIndexImage(int w, int h) {
        byte[] idx = new byte[w * h];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (byte) (i % w);
        }
        return PixelImage.ofPalette(w, h, idx, new int[256]);
    }

    /** A P image whose index at (x, y) is y. */
    private static PixelImage rowIndexImage(int w, int h) {
        byte[] idx = new byte[w * h];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (byte) (i / w);
        }
        return PixelImage.ofPalette(w, h, idx, new int[256]);
    }

    /**
     * Normalization by hand: 0 maps to -mean/std and 255 to (1-mean)/std, computed in
     * float32 like torch's ToTensor and Normalize.
     */
    @Test
    void normalization() {
        byte[] rgb = {0, (byte) 255, (byte) 128};
        Tensor t = ImagePreprocessor.toTensor(PixelImage.of(PixelImage.Mode.RGB, 1, 1, rgb));
        assertEquals((0f - MEAN[0]) / STD[0], t.data()[0], 0f);
        assertEquals((1f - MEAN[1]) / STD[1], t.data()[1], 0f);
        assertEquals((128 / 255f - MEAN[2]) / STD[2], t.data()[2], 0f);
        assertEquals(-1.7922626f, t.data()[0], 1e-6f);
    }
}
