package dev.jclip.cli;

import dev.jclip.testing.Shared;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import picocli.CommandLine;

/** Runs {@code jclip} in-process with captured stdout and stderr; makes test inputs. */
final class Cli {
    static final Path VIT = Shared.path("fixtures/models/vit-tiny/open_clip_model.safetensors");
    static final Path RN = Shared.path("fixtures/models/rn-tiny/open_clip_model.safetensors");
    /** The original vocabulary; the loader cuts it to the fixtures' 1000 ids. */
    static final Path VOCAB = Shared.path("clip/bpe_simple_vocab_16e6.txt.gz");

    final int code;
    final String out, err;

    private Cli(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** A 32x32 PNG with a pattern that depends on {@code seed}. */
    static Path png(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int r = (x * 8 + seed * 50) & 0xFF, g = (y * 8 + seed * 90) & 0xFF, b = (seed * 70 + x * y) & 0xFF;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A file with an image name that holds no image. */
    static Path bad(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, "not an image");
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
