package dev.jclip.bench;

import dev.jclip.image.BadImageException;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.PixelImage;
import dev.jclip.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
 * Images per second (one thread) of CLIP preprocessing at 224 for a JPEG of {@code size}
 * (640x480, or a 6 MP camera-size photo): bytes to tensor (a JPEG is resized while it is
 * decoded), and decoding whole then preprocessing, each half alone. The JPEG is synthesized in
 * setup (smooth color gradients plus seeded noise, quality 0.9, 4:2:0), so the run needs no
 * files. Pillow + torchvision's peer: {@code peers/embed_folder_open_clip.py} (decode-only rate).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PreprocessBenchmark {
    /** Width x height of the synthesized JPEG. */
    @Param({"640x480", "3000x2000"})
    public String size;

    private byte[] jpeg;
    private PixelImage decoded;
    private ImagePreprocessor clip;

    @Setup
    public void setup() throws IOException {
        int w = Integer.parseInt(size.split("x")[0]), h = Integer.parseInt(size.split("x")[1]);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom rng = new SplittableRandom(0);
        int[] px = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 100 * Math.sin(x / (17.0 + 5 * c)) * Math.cos(y / (23.0 - 4 * c));
                    px[(y * w + x) * 3 + c] = (int) Math.clamp(v + rng.nextInt(-20, 21), 0, 255);
                }
            }
        }
        img.getRaster().setPixels(0, 0, w, h, px);
        jpeg = JpegBytes.encode(img, false);
        clip = ImagePreprocessor.clip(224);
        decoded = clip.decoder().decode(jpeg, "bench.jpg");
    }

    /** The whole path from JPEG bytes to the normalized [3, 224, 224] tensor, resized while decoded. */
    @Benchmark
    public Tensor decodeAndPreprocess() throws BadImageException {
        return clip.preprocess(jpeg, "bench.jpg");
    }

    /** Decoding the whole image only. */
    @Benchmark
    public PixelImage decodeOnly() throws BadImageException {
        return clip.decoder().decode(jpeg, "bench.jpg");
    }

    /** Resize, crop and normalize of the decoded image only. */
    @Benchmark
    public Tensor preprocessOnly() {
        return clip.preprocess(decoded);
    }
}
