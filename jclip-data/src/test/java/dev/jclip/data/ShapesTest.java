package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShapesTest {
    /** The palette, typed from the design (a change of colours must be deliberate). */
    private static final Map<String, Integer> RGB = Map.of("red", 0xDC1E1E, "green", 0x1EAA1E, "blue", 0x1E3CDC,
            "yellow", 0xF0DC14, "purple", 0x8C28B4, "orange", 0xF58214);
    private static final Pattern CAPTION = Pattern.compile(
            "a (small|large) (\\w+) (\\w+)(?: (left of|right of|above|below) a (small|large) (\\w+) (\\w+))?");

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /**
     * Reads a shape back from the pixels of exactly its colour inside [x0, x1) x [y0, y1): the size from
     * the width of their bounding box, the shape from how much of the box they fill (square ~1,
     * circle ~pi/4, triangle and diamond ~1/2, told apart by the bottom row: a triangle's base is wide).
     */
    private static String readShape(BufferedImage img, String colour, int x0, int y0, int x1, int y1) {
        int rgb = RGB.get(colour);
        int minX = Integer.MAX_VALUE, maxX = -1, minY = Integer.MAX_VALUE, maxY = -1, n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                    n++;
                }
            }
        }
        if (n == 0) {
            return "nothing";
        }
        int w = maxX - minX + 1;
        int h = maxY - minY + 1;
        double fill = n / (double) (w * h);
        int bottom = 0;
        for (int x = minX; x <= maxX; x++) {
            bottom += (img.getRGB(x, maxY) & 0xFFFFFF) == rgb ? 1 : 0;
        }
        String shape = fill > 0.92 ? "square" : fill > 0.7 ? "circle" : bottom > 0.6 * w ? "triangle" : "diamond";
        String size = w > 0.3 * img.getWidth() ? "large" : "small";
        return size + " " + colour + " " + shape;
    }

    /** Checks that the caption describes the pixels: shapes, colours, sizes and their relation. */
    private static void assertCaptionMatchesPixels(Example e) {
        BufferedImage img = e.image().decode();
        int s = img.getWidth();
        Matcher m = CAPTION.matcher(e.caption());
        assertTrue(m.matches(), e.caption());
        String first = m.group(1) + " " + m.group(2) + " " + m.group(3);
        if (m.group(4) == null) {
            assertEquals(first, readShape(img, m.group(2), 0, 0, s, s), e.key() + ": " + e.caption());
            for (String other : RGB.keySet()) {
                if (!other.equals(m.group(2))) {
                    assertEquals("nothing", readShape(img, other, 0, 0, s, s), e.key() + " has " + other + " pixels");
                }
            }
            return;
        }
        String second = m.group(5) + " " + m.group(6) + " " + m.group(7);
        int h = s / 2;
        // The region of the first named shape, then of the second.
        int[][] regions = switch (m.group(4)) {
            case "left of" -> new int[][] {{0, 0, h, s}, {h, 0, s, s}};
            case "right of" -> new int[][] {{h, 0, s, s}, {0, 0, h, s}};
            case "above" -> new int[][] {{0, 0, s, h}, {0, h, s, s}};
            default -> new int[][] {{0, h, s, s}, {0, 0, s, h}};
        };
        int[] a = regions[0];
        int[] b = regions[1];
        assertEquals(first, readShape(img, m.group(2), a[0], a[1], a[2], a[3]), e.key() + ": " + e.caption());
        assertEquals(second, readShape(img, m.group(6), b[0], b[1], b[2], b[3]), e.key() + ": " + e.caption());
    }

    @Test
    void captionsDescribeThePixels() {
        Shapes train = new Shapes(Shapes.Split.TRAIN, 64, 300);
        int pairs = 0;
        Set<String> relations = new HashSet<>();
        try (Stream<Example> s = train.examples(3)) {
            for (Example e : s.toList()) {
                assertCaptionMatchesPixels(e);
                Matcher m = CAPTION.matcher(e.caption());
                assertTrue(m.matches());
                if (m.group(4) != null) {
                    pairs++;
                    relations.add(m.group(4));
                    assertEquals(Example.NO_LABEL, e.label());
                } else {
                    assertEquals(m.group(2) + " " + m.group(3), Shapes.CLASS_NAMES.get(e.label()));
                }
            }
        }
        assertTrue(pairs > 100 && pairs < 200, pairs + " two-shape images of 300");
        assertEquals(Set.of("left of", "right of", "above", "below"), relations);

        try (Stream<Example> s = new Shapes(Shapes.Split.EVAL, 64, 48).examples(3)) {
            List<Example> eval = s.toList();
            for (int i = 0; i < eval.size(); i++) {
                Example e = eval.get(i);
                assertCaptionMatchesPixels(e);
                assertEquals(i % 24, e.label());
                assertTrue(e.caption().endsWith(Shapes.CLASS_NAMES.get(e.label())), e.caption());
            }
        }
    }

    @Test
    void heldOutClassesNeverAppearInTraining() {
        assertEquals(24, Shapes.CLASS_NAMES.size());
        assertEquals("red circle", Shapes.CLASS_NAMES.get(0));
        assertEquals("red triangle", Shapes.CLASS_NAMES.get(2));
        assertEquals("orange diamond", Shapes.CLASS_NAMES.get(23));
        assertTrue(Shapes.isHeldOut(2));
        assertFalse(Shapes.isHeldOut(0));
        assertEquals(List.of(2, 4, 11, 13), java.util.stream.IntStream.range(0, 24).filter(Shapes::isHeldOut).boxed().toList());

        Set<String> seen = new HashSet<>();
        try (Stream<Example> s = new Shapes(Shapes.Split.TRAIN, 16, 5000).examples(9)) {
            s.forEach(e -> {
                Matcher m = CAPTION.matcher(e.caption());
                assertTrue(m.matches(), e.caption());
                seen.add(m.group(2) + " " + m.group(3));
                if (m.group(4) != null) {
                    seen.add(m.group(6) + " " + m.group(7));
                }
            });
        }
        Set<String> expected = new HashSet<>(Shapes.CLASS_NAMES);
        expected.removeAll(Set.of("red triangle", "green circle", "blue diamond", "yellow square"));
        assertEquals(expected, seen);
    }

    @Test
    void deterministicPerSeedAndIndexWhateverTheOrderOrThreads() {
        Shapes train = new Shapes(Shapes.Split.TRAIN, 32, 40);
        List<Example> sequential;
        try (Stream<Example> s = train.examples(77)) {
            sequential = s.toList();
        }
        List<int[]> parallel;
        try (Stream<int[]> s = Prefetcher.map(java.util.stream.LongStream.range(0, 40).boxed(),
                i -> pixels(train.example(77, 39 - i).image().decode()), 4, 8)) {
            parallel = s.toList();
        }
        int differentSeed = 0;
        for (int i = 0; i < 40; i++) {
            Example e = sequential.get(i);
            Example again = train.example(77, i);
            assertEquals(e.caption(), again.caption());
            assertArrayEquals(pixels(e.image().decode()), pixels(again.image().decode()));
            assertArrayEquals(pixels(e.image().decode()), parallel.get(39 - i));
            Example other = train.example(78, i);
            if (!other.caption().equals(e.caption()) || !java.util.Arrays.equals(pixels(other.image().decode()), pixels(e.image().decode()))) {
                differentSeed++;
            }
        }
        assertTrue(differentSeed >= 38, differentSeed + " of 40 differ under another seed");
        assertNotEquals(train.example(77, 0).caption() + train.example(77, 1).caption(),
                new Shapes(Shapes.Split.EVAL, 32, 2).example(77, 0).caption() + new Shapes(Shapes.Split.EVAL, 32, 2).example(77, 1).caption());
    }
}
