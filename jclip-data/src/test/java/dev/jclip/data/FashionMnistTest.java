package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 0x000008NN, the sizes, then the data. */
    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** Three 2x3 images: image i has pixel (x, y) = 10*i + 3*y + x; labels 9, 0, 4. */
    private static final byte[] PIXELS = new byte[18];
    private static final byte[] LABELS = {9, 0, 4};

    static {
        for (int i = 0; i < 18; i++) {
            PIXELS[i] = (byte) (10 * (i / 6) + i % 6);
        }
    }

    @Test
    void readsPlainAndGzippedSplits() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {3, 2, 3}, PIXELS));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {3}, LABELS));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {3, 2, 3}, PIXELS)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {3}, LABELS)));
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            FashionMnist fm = FashionMnist.open(dir, split);
            assertEquals(3, fm.size());
            List<Example> xs;
            try (Stream<Example> s = fm.examples(11)) {
                xs = s.toList();
            }
            assertEquals(List.of(9, 0, 4), xs.stream().map(Example::label).toList());
            String prefix = split == FashionMnist.Split.TRAIN ? "fashion-mnist-train/" : "fashion-mnist-test/";
            assertEquals(List.of(prefix + 0, prefix + 1, prefix + 2), xs.stream().map(Example::key).toList());
            BufferedImage img = xs.get(2).image().decode();
            assertEquals(3, img.getWidth());
            assertEquals(2, img.getHeight());
            assertEquals(24, img.getRaster().getSample(1, 1, 0)); // image 2, y 1, x 1: 20 + 3 + 1
            assertEquals(20, img.getRaster().getSample(0, 0, 0));
            assertTrue(xs.get(0).caption().contains("an ankle boot"), xs.get(0).caption());
            assertTrue(xs.get(1).caption().contains("a t-shirt"), xs.get(1).caption());
            assertTrue(xs.get(2).caption().contains("a coat"), xs.get(2).caption());
        }
    }

    @Test
    void captionsVaryWithIndexAndSeedButAreReproducible() {
        Set<String> forms = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String c = FashionMnist.caption(1, 5, i);
            assertEquals(c, FashionMnist.caption(1, 5, i));
            assertTrue(FashionMnist.TEMPLATES.stream().anyMatch(t -> t.replace("{}", "a pair of trousers").equals(c)), c);
            forms.add(c);
        }
        assertEquals(FashionMnist.TEMPLATES.size(), forms.size());
        List<String> seed5 = IntStream.range(0, 50).mapToObj(i -> FashionMnist.caption(1, 5, i)).toList();
        List<String> seed6 = IntStream.range(0, 50).mapToObj(i -> FashionMnist.caption(1, 6, i)).toList();
        assertNotEquals(seed5, seed6);
    }

    private IllegalArgumentException bad(byte[] images, byte[] labels) throws IOException {
        Path i = Files.write(dir.resolve("i"), images);
        Path l = Files.write(dir.resolve("l"), labels);
        return assertThrows(IllegalArgumentException.class, () -> new FashionMnist(i, l, "x"));
    }

    @Test
    void invalidFilesGetClearErrors() throws IOException {
        byte[] images = idx(new int[] {3, 2, 3}, PIXELS);
        byte[] labels = idx(new int[] {3}, LABELS);
        Path i = dir.resolve("i");
        Path l = dir.resolve("l");

        byte[] magic = images.clone();
        magic[0] = 0x1E;
        assertEquals(i + " is not an IDX file: it must start with the magic number 0x0000TTNN",
                bad(magic, labels).getMessage());

        byte[] floats = images.clone();
        floats[2] = 0x0D;
        assertEquals(i + ": IDX element type 0x0d is not supported (only 0x08, unsigned bytes)", bad(floats, labels).getMessage());

        assertEquals(i + " has 33 bytes but its IDX header [3, 2, 3] implies 34 (truncated?)",
                bad(Arrays.copyOf(images, images.length - 1), labels).getMessage());
        assertEquals(l + " has 13 bytes but its IDX header [3] implies 11 (trailing data?)",
                bad(images, Arrays.copyOf(labels, labels.length + 2)).getMessage());

        byte[] gz = gzip(images);
        assertTrue(bad(Arrays.copyOf(gz, gz.length - 6), labels).getMessage().startsWith(i + ": gzip trailer says"));
        assertEquals(i + ": gzip trailer says 34 uncompressed bytes but the IDX header [4, 2, 3] implies 40 (truncated or damaged gzip?)",
                bad(gzip(idx(new int[] {4, 2, 3}, PIXELS)), labels).getMessage());

        assertEquals(i + " holds 3 images but " + l + " holds 2 labels",
                bad(images, idx(new int[] {2}, new byte[] {1, 2})).getMessage());
        assertEquals(l + ": label 10 of item 1 is not a class (0-9)", bad(images, idx(new int[] {3}, new byte[] {1, 10, 2})).getMessage());
        assertEquals(i + ": an image IDX file needs 3 dimensions (count, rows, cols), has 2",
                bad(idx(new int[] {3, 6}, PIXELS), labels).getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.open(dir.resolve("nowhere"), FashionMnist.Split.TRAIN));
        assertEquals("no Fashion-MNIST file train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) in " + dir.resolve("nowhere"),
                missing.getMessage());
    }
}
