package dev.jclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Camera-shaped JPEGs of {@code parity/photos} (made by {@code parity/make_photo_cases.py}: odd
 * sizes, 4:2:0, 4:2:2 progressive, 4:4:4 with restart markers, gray, progressive with restart
 * rows) through CLIP's resize and center crop, resized while decoded: open_clip 3.3's crop of
 * the Pillow image, sample for sample (its SHA-256, and at size 64 the samples).
 */
class PhotoParityTest {
    private static byte[] resource(String file) throws IOException {
        try (InputStream in = PhotoParityTest.class.getResourceAsStream("/parity/photos/" + file)) {
            assertNotNull(in, "missing test resource " + file);
            return in.readAllBytes();
        }
    }

    @TestFactory
    Stream<DynamicTest> cropsMatchOpenClip() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        new ObjectMapper().readTree(resource("cases.json")).forEach(cases::add);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("file").asText() + " at " + c.get("size"), () -> {
            String file = c.get("file").asText();
            PixelImage crop = ImagePreprocessor.clip(c.get("size").asInt()).resizeAndCrop(resource(file), file);
            assertEquals(c.get("mode").asText(), crop.mode().pillowName());
            assertEquals(c.get("width").asInt(), crop.width());
            assertEquals(c.get("height").asInt(), crop.height());
            if (c.has("raw")) {
                assertArrayEquals(resource(c.get("raw").asText()), crop.samples(), file);
            }
            assertEquals(c.get("sha256").asText(), sha256(crop.samples()), file);
        }));
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
