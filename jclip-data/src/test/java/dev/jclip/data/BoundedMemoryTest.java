package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Streams 200,000 generated 32x32 images (800 MB of pixels) through a shuffle buffer and the
 * prefetcher in a 64 MB heap (its own surefire execution, see the pom): anything that kept the
 * examples would run out of memory.
 */
class BoundedMemoryTest {

    @Test
    void streamsMoreThanTheHeapHolds() {
        long n = 200_000;
        long pixelBytes = n * 32 * 32 * 4;
        assertTrue(Runtime.getRuntime().maxMemory() < pixelBytes / 8,
                "this test must run with a small heap (the bounded-memory execution), has " + Runtime.getRuntime().maxMemory());
        long count = 0;
        long inkedPixels = 0;
        int[] perClass = new int[24];
        ImageTextSource src = new Shapes(Shapes.Split.EVAL, 32, n).shuffled(1000);
        try (Stream<Example> examples = src.examples(1);
                Stream<int[]> s = Prefetcher.map(examples, e -> {
                    BufferedImage img = e.image().decode();
                    int lit = 0;
                    for (int p : img.getRGB(0, 0, 32, 32, null, 0, 32)) {
                        lit += (p & 0xFFFFFF) != 0 ? 1 : 0;
                    }
                    return new int[] {e.label(), lit};
                }, 2, 64)) {
            for (int[] r : (Iterable<int[]>) s::iterator) {
                count++;
                perClass[r[0]]++;
                inkedPixels += r[1];
            }
        }
        assertEquals(n, count);
        for (int c : perClass) {
            assertTrue(c == 8333 || c == 8334, "class counts of a cycling split: " + c);
        }
        assertTrue(inkedPixels > n * 20, "every image has a shape");
    }
}
