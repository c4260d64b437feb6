package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Streams 200,000 generated 32x32 images (800 MB of pixels) through a shuffle buffer and the
 * prefetcher, and 600,000 CSV rows (360 MB as Java text) after a quote never closed, in a 64 MB
 * heap (its own surefire execution, see the pom): anything that kept the examples, or made one
 * field of the rest of the file, would run out of memory.
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

    @Test
    void aQuoteNeverClosedDoesNotSwallowTheRestOfALargeCsv() throws IOException {
        long rows = 600_000;
        String caption = "a caption ".repeat(28);
        assertTrue(Runtime.getRuntime().maxMemory() < rows * caption.length() * 2 / 4, "this test must run with a small heap");
        // Row 0 opens a quote that nothing closes: the reader gives up on it at the row cap and reads on.
        Reader generated = new Reader() {
            private long row;
            private String pending = "";
            private int at;

            @Override
            public int read(char[] buf, int off, int len) {
                if (at == pending.length()) {
                    if (row == rows) {
                        return -1;
                    }
                    pending = "img/" + row + ".jpg," + (row == 0 ? "\"" : "") + caption + "\n";
                    at = 0;
                    row++;
                }
                int n = Math.min(len, pending.length() - at);
                pending.getChars(at, at + n, buf, off);
                at += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        long read = 0;
        long malformed = 0;
        long lastLine = 0;
        try (CsvReader csv = new CsvReader(generated, "big.csv", ',')) {
            while (true) {
                try {
                    List<String> row = csv.next();
                    if (row == null) {
                        break;
                    }
                    read++;
                    lastLine = csv.recordLine();
                } catch (CsvReader.MalformedRowException e) {
                    malformed++;
                    assertEquals(1, e.line());
                }
            }
        }
        assertEquals(1, malformed);
        assertEquals(rows - 1, read);
        assertEquals(rows, lastLine);
    }
}
