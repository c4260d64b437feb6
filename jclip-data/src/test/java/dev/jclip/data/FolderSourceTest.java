package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSourceTest {
    @TempDir
    Path dir;

    private void pair(String image, String caption) throws IOException {
        Path p = dir.resolve(image);
        Files.createDirectories(p.getParent());
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0x123456);
        ImageIO.write(img, "png", p.toFile());
        if (caption != null) {
            String name = p.getFileName().toString();
            Files.writeString(p.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".txt"), caption);
        }
    }

    @Test
    void walksSortedAndPairsCaptions() throws IOException {
        pair("b/2.png", "b two\n");
        pair("b/10.png", "b ten");
        pair("a.png", "top level");
        pair("b/c/deep.PNG", "  deep  ");
        pair("b/nocaption.png", null);
        pair("z.v2.png", "dots in name");
        pair("latin1.png", null);
        Files.write(dir.resolve("latin1.txt"), new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9});
        Files.writeString(dir.resolve("b/notes.md"), "ignored");
        List<DataError> errors = new ArrayList<>();
        List<Example> xs;
        try (Stream<Example> s = new FolderSource(dir).examples(0, errors::add)) {
            xs = s.toList();
        }
        assertEquals(List.of("a.png", "b/10.png", "b/2.png", "b/c/deep.PNG", "z.v2.png"), xs.stream().map(Example::key).toList());
        assertEquals(List.of("top level", "b ten", "b two", "deep", "dots in name"), xs.stream().map(Example::caption).toList());
        assertEquals(List.of(dir.resolve("b/nocaption.png") + ": no caption file nocaption.txt",
                dir.resolve("latin1.txt") + " line 2 (byte 6): caption is not valid UTF-8"),
                errors.stream().map(DataError::toString).toList());

        BufferedImage decoded = xs.get(3).image().decode();
        assertEquals(3, decoded.getWidth());
        assertEquals(2, decoded.getHeight());
        assertEquals(0x123456, decoded.getRGB(2, 1) & 0xFFFFFF);
        assertEquals(0, decoded.getRGB(0, 0) & 0xFFFFFF);
    }
}
