package dev.jclip.bench;

import dev.jclip.image.BadImageException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.JpegDecoder;
import dev.jclip.image.PixelImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds (one thread) to decode one camera-size JPEG: jclip's {@link JpegDecoder} against
 * ImageIO's native reader alone and against jclip's ImageIO path ({@link ImageDecoder}, which also
 * maps the raster to Pillow's mode). By default the file is a synthesized 3000x2000 (6 MP)
 * 4:2:0 JPEG at quality 0.9 (smooth gradients plus seeded noise), baseline or progressive; pass
 * {@code -p file=PATH} to decode a given file instead (the Pillow peer,
 * {@code peers/jpeg_decode_pillow.py}, times the same file). MP/s = width x height / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class JpegDecodeBenchmark {
    /** A JPEG file to decode; empty: the synthesized image. */
    @Param("")
    public String file;

    /** For the synthesized image: "baseline" or "progressive". */
    @Param({"baseline", "progressive"})
    public String coding;

    private byte[] jpeg;
    private final ImageDecoder imageIoDecoder = new ImageDecoder();

    @Setup
    public void setup() throws IOException {
        jpeg = file.isEmpty() ? synthesize(3000, 2000, coding.equals("progressive")) : Files.readAllBytes(Path.of(file));
    }

    private static byte[] synthesize(int w, int h, boolean progressive) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom rng = new SplittableRandom(0);
        int[] row = new int[w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 100 * Math.sin(x / (37.0 + 11 * c)) * Math.cos(y / (53.0 - 9 * c));
                    row[x * 3 + c] = (int) Math.clamp(v + rng.nextInt(-12, 13), 0, 255);
                }
            }
            img.getRaster().setPixels(0, y, w, 1, row);
        }
        return JpegBytes.encode(img, progressive);
    }

    /** jclip's pure-Java decoder (Pillow's pixels). */
    @Benchmark
    public PixelImage jclip() throws BadImageException {
        return JpegDecoder.decode(jpeg, "bench.jpg", ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** ImageIO's reader alone (libjpeg 6b in native code), to a BufferedImage. */
    @Benchmark
    public BufferedImage imageIo() throws IOException {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    /** jclip's ImageIO path: the reader, then the raster copied out in Pillow's mode. */
    @Benchmark
    public PixelImage imageIoDecoder() throws BadImageException {
        return imageIoDecoder.decode(jpeg, "bench.jpg");
    }
}
