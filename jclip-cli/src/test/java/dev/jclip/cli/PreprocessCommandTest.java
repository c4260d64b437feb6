package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.image.ImagePreprocessor;
import dev.jclip.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PreprocessCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** Good images become [3,N,N] tensors named by file; a bad one is reported, skipped and fails the exit code. */
    @Test
    void writesGoodImagesAndReportsBadOnes() throws IOException {
        Path red = image("red.photo.png", 0xFF0000, 40, 30);
        Path gray = image("gray.jpg", 0x808080, 20, 50);
        Path bad = dir.resolve("notes.png");
        Files.writeString(bad, "not an image");
        Path output = dir.resolve("out.safetensors");

        int code = run("preprocess", "--size", "16", "-o", output.toString(), red.toString(), bad.toString(), gray.toString());

        assertEquals(1, code);
        assertTrue(err.toString().contains("skipped " + bad + ": not a PNG, JPEG, GIF, BMP, TIFF or WebP image"), err.toString());
        assertTrue(out.toString().contains("wrote 2 tensors [3,16,16]"), out.toString());
        try (SafeTensors st = SafeTensors.open(output)) {
            assertEquals(List.of("gray", "red.photo"), st.names().stream().sorted().toList());
            assertArrayEquals(new int[] {3, 16, 16}, st.info("red.photo").shape());
            assertArrayEquals(ImagePreprocessor.clip(16).preprocess(red).data(), st.floats("red.photo"), 0f);
            assertArrayEquals(ImagePreprocessor.clip(16).preprocess(gray).data(), st.floats("gray"), 0f);
            // Pure red: channel 0 is (1 - mean) / std, channel 1 is -mean / std.
            assertEquals((1f - (float) 0.48145466) / (float) 0.26862954, st.floats("red.photo")[0], 0f);
            assertEquals(-(float) 0.4578275 / (float) 0.26130258, st.floats("red.photo")[256], 0f);
        }
    }

    @Test
    void allGoodExitsZero() throws IOException {
        Path output = dir.resolve("one.safetensors");
        assertEquals(0, run("preprocess", "-o", output.toString(), image("a.png", 0x123456, 300, 200).toString()));
        try (SafeTensors st = SafeTensors.open(output)) {
            assertArrayEquals(new int[] {3, 224, 224}, st.info("a").shape());
        }
    }

    @Test
    void duplicateNamesAndAllBadWriteNothing() throws IOException {
        Path a = image("x.png", 0xFF, 10, 10);
        Files.createDirectories(dir.resolve("sub"));
        Path b = Files.copy(a, dir.resolve("sub/x.png"));
        Path output = dir.resolve("dup.safetensors");
        assertEquals(1, run("preprocess", "--size", "8", "-o", output.toString(), a.toString(), b.toString()));
        assertTrue(err.toString().contains(b + ": another image already gave the tensor name 'x'"), err.toString());

        Path none = dir.resolve("none.safetensors");
        assertEquals(1, run("preprocess", "-o", none.toString(), dir.resolve("missing.png").toString()));
        assertFalse(Files.exists(none));
        assertTrue(err.toString().contains("missing.png: cannot read file"), err.toString());
    }

    @Test
    void tinyPixelLimitRefusesImage() throws IOException {
        Path big = image("big.png", 0, 100, 100);
        assertEquals(1, run("preprocess", "--max-pixels", "9999", "-o", dir.resolve("o.safetensors").toString(), big.toString()));
        assertTrue(err.toString().contains("possible decompression bomb"), err.toString());
    }

    private Path image(String name, int rgb, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Path p = dir.resolve(name);
        String format = name.endsWith(".jpg") ? "jpeg" : "png";
        assertTrue(ImageIO.write(img, format, p.toFile()));
        return p;
    }
}
