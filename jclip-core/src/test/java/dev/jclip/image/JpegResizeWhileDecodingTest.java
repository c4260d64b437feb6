package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A JPEG resized while it is decoded ({@link ImagePreprocessor#resizeAndCrop(byte[], String)})
 * gives the pixels of decoding it whole and then resizing, which {@link JpegDecoderTest} and
 * {@link PreprocessParityTest} check against Pillow: on every decodable case of
 * {@code parity/jpeg} (sampling factors, progressive, restarts, block smoothing, gray, CMYK, which
 * falls back) at sizes that shrink, enlarge and crop either axis, and on camera-shaped images
 * large enough for the crop to leave whole blocks untransformed.
 */
class JpegResizeWhileDecodingTest {
    private static final int[] SIZES = {5, 16, 24, 40, 224};

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = JpegResizeWhileDecodingTest.class.getResourceAsStream("/parity/jpeg/" + file)) {
            assertNotNull(in, "missing test resource " + file);
            return in.readAllBytes();
        }
    }

    private static void assertSamePixels(byte[] jpeg, String name, PreprocessConfig config) throws BadImageException {
        ImagePreprocessor pre = ImagePreprocessor.of(config);
        PixelImage whole = pre.resizeAndCrop(new ImageDecoder().decode(jpeg, name));
        PixelImage streamed = pre.resizeAndCrop(jpeg, name);
        assertEquals(whole.mode(), streamed.mode(), name);
        assertEquals(whole.width(), streamed.width(), name);
        assertEquals(whole.height(), streamed.height(), name);
        assertArrayEquals(whole.samples(), streamed.samples(), name + " at " + config);
    }

    @TestFactory
    Stream<DynamicTest> parityCases() throws IOException {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(resource("cases.json")).forEach((JsonNode c) -> {
            if (!c.has("error")) {
                names.add(c.get("name").asText());
            }
        });
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] jpeg = resource(name + ".jpg");
            for (int size : SIZES) {
                assertSamePixels(jpeg, name, PreprocessConfig.openAi(size));
            }
            assertSamePixels(jpeg, name, PreprocessConfig.fromOpenClip(Map.of("resize_mode", "longest",
                    "interpolation", "bilinear", "fill_color", 17L), new PreprocessConfig.Size(24, 24)));
            assertSamePixels(jpeg, name, PreprocessConfig.fromOpenClip(Map.of(), new PreprocessConfig.Size(20, 30)));
            assertSamePixels(jpeg, name, PreprocessConfig.fromOpenClip(Map.of("resize_mode", "squash"),
                    new PreprocessConfig.Size(20, 30)));
        }));
    }

    /** Smooth colour waves plus seeded noise, as ImageIO writes it: 4:2:0, baseline or progressive. */
    private static byte[] photo(int w, int h, boolean gray, boolean progressive) throws IOException {
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom rng = new SplittableRandom(w * 31L + h);
        int bands = gray ? 1 : 3;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < bands; c++) {
                    double v = 128 + 90 * Math.sin(x / (23.0 + 7 * c)) * Math.cos(y / (31.0 - 5 * c));
                    row[x * bands + c] = (int) Math.clamp(v + rng.nextInt(-25, 26), 0, 255);
                }
            }
            img.getRaster().setPixels(0, y, w, 1, row);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @TestFactory
    Stream<DynamicTest> largeOddSizedPhotos() {
        int[][] sizes = {{1203, 805}, {805, 1203}, {2001, 301}, {233, 1999}};
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] s : sizes) {
            for (boolean gray : new boolean[] {false, true}) {
                for (boolean progressive : new boolean[] {false, true}) {
                    String name = s[0] + "x" + s[1] + (gray ? " gray" : "") + (progressive ? " progressive" : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        byte[] jpeg = photo(s[0], s[1], gray, progressive);
                        for (int size : new int[] {224, 97, 64}) {
                            assertSamePixels(jpeg, name, PreprocessConfig.openAi(size));
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }
}
