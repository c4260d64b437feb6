package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.tensor.Tensor;
import dev.jclip.testing.RequiresNativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * JPEG files decoded through TurboJPEG give exactly {@link JpegDecoder}'s own pixels (Pillow's),
 * whole and resized while decoding, on every JPEG test resource, whatever an earlier image left
 * in the native buffers; the files it must not take
 * (block smoothing, arithmetic coding, CMYK, RGB, damaged data) go to the Java decoder, whose
 * errors stay as they are.
 */
@RequiresNativeLibrary("libturbojpeg.so.0")
class TurboJpegTest {
    private static final ImagePreprocessor CLIP = ImagePreprocessor.clip(224);

    private static List<Path> jpegs() {
        return Stream.concat(NativePaths.resources("/parity/jpeg/", "cases.json", ".jpg").stream(),
                NativePaths.resources("/parity/photos/", "cases.json", ".jpg").stream()).toList();
    }

    private static byte[] jpeg(String name) throws IOException {
        return Files.readAllBytes(Path.of(NativePaths.resources("/parity/jpeg/", "cases.json", ".json").getFirst()
                .resolveSibling(name).toString()));
    }

    @Test
    void usedWhereInstalled() {
        assertTrue(TurboJpeg.available(), "the tests run with native access for dev.jclip.core");
    }

    @TestFactory
    List<DynamicTest> everyJpegDecodesAsJpegDecoderDoes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : jpegs()) {
            String name = file.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                byte[] data = Files.readAllBytes(file);
                Object java = NativePaths.pureJava(() -> JpegDecoder.decode(data, name, 1L << 26));
                NativePaths.poisonKeptBuffers();
                assertEquals(java, NativePaths.outcome(() -> JpegDecoder.decode(data, name, 1L << 26)), name);
                if (java instanceof PixelImage) {
                    float[] resized = ((Tensor) NativePaths.pureJava(() -> CLIP.preprocess(data, name))).data();
                    NativePaths.poisonKeptBuffers();
                    Object nativeResized = NativePaths.outcome(() -> CLIP.preprocess(data, name));
                    assertArrayEquals(resized, assertInstanceOf(Tensor.class, nativeResized).data(), name + " resized");
                }
            }));
        }
        assertTrue(tests.size() >= 60, "JPEG resources found: " + tests.size());
        return tests;
    }

    /** TurboJPEG's own result, not the fallback's: the same pixels for the kinds it takes. */
    @Test
    void takesYCbCrAndGrayHuffmanFiles() throws IOException, BadImageException {
        String[] taken = {"pil_420_9x17.jpg", "pil_422_2x3.jpg", "cj_411_45x21.jpg", "cj_440_35x27.jpg",
            "pil_gray_33x47.jpg", "pil_gray_prog_20x13.jpg", "cj_restart_seq_33x21.jpg", "cj_restart_prog_45x37.jpg",
            "cj_multiscan_seq_27x19.jpg"};
        for (String name : taken) {
            byte[] data = jpeg(name);
            PixelImage image = TurboJpeg.decode(data, 1L << 26, null);
            assertNotNull(image, name);
            assertEquals(NativePaths.pureJava(() -> JpegDecoder.decode(data, name, 1L << 26)), image, name);
        }
    }

    @Test
    void leavesTheOthersToJpegDecoder() throws IOException {
        String[] left = {"cj_smooth_dc_only_40x32.jpg", "cj_smooth_dc_only_420_40x24.jpg", "cj_smooth_partial_41x35.jpg",
            "bad_arithmetic.jpg", "bad_lossless.jpg", "bad_12bit.jpg", "pil_cmyk_24x18.jpg", "cj_rgb_21x14.jpg",
            "bad_truncated.jpg", "bad_truncated_prog.jpg", "bad_huffman_code.jpg", "bad_premature_end.jpg",
            "bad_restart_number.jpg", "bad_no_eoi_prog.jpg"};
        for (String name : left) {
            assertNull(TurboJpeg.decode(jpeg(name), 1L << 26, null), name);
        }
        assertNull(TurboJpeg.decode(jpeg("pil_420_9x17.jpg"), 9 * 17 - 1, null), "more pixels than allowed");
    }

    @Test
    void progressiveFilesAreTakenOnlyWithoutBlockSmoothing() throws IOException {
        assertTrue(TurboJpeg.unsmoothedHuffman(jpeg("pil_420_9x17.jpg")), "baseline");
        assertTrue(TurboJpeg.unsmoothedHuffman(jpeg("pil_gray_prog_20x13.jpg")), "progressive, every coefficient exact");
        assertFalse(TurboJpeg.unsmoothedHuffman(jpeg("cj_smooth_dc_only_40x32.jpg")), "DC only");
        assertFalse(TurboJpeg.unsmoothedHuffman(jpeg("cj_smooth_partial_41x35.jpg")), "coefficients left out");
        assertFalse(TurboJpeg.unsmoothedHuffman(jpeg("cj_smooth_gray_444_30x25.jpg")), "two AC coefficients");
        assertFalse(TurboJpeg.unsmoothedHuffman(jpeg("bad_arithmetic.jpg")), "arithmetic coding");
        assertFalse(TurboJpeg.unsmoothedHuffman(jpeg("bad_lossless.jpg")), "lossless");
    }
}
