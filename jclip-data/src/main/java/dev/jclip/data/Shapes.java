package dev.jclip.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A generated data set for compositional zero-shot tests: square images, black background, with one
 * or two coloured shapes drawn with Java2D (antialiased), and captions that say what is drawn:
 * {@code "a large red circle"}, {@code "a small red circle left of a large blue square"}.
 * A class is a colour and a shape ("red circle", see {@link #CLASS_NAMES}); the {@link #HELD_OUT}
 * classes never appear in the training split, though each of their colours and shapes does, so
 * evaluation can test zero-shot recognition of unseen combinations.
 *
 * <p>Training images hold one or two shapes of the other classes; a two-shape image puts them in
 * opposite halves (left/right or top/bottom) and names their relation, and has no label. Evaluation
 * images hold one shape, cycling through all classes (held-out ones included), labelled with its class.
 * Example {@code i} depends only on (seed, split, i), so any part can be generated in any order.
 */
public final class Shapes implements ImageTextSource {
    /** The colours, and their RGB values (distinct, none black, no antialiased edge can reproduce another). */
    public static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    private static final int[] RGB = {0xDC1E1E, 0x1EAA1E, 0x1E3CDC, 0xF0DC14, 0x8C28B4, 0xF58214};
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "diamond");

    /** "colour shape" for every combination, colour-major: the class names, by label. */
    public static final List<String> CLASS_NAMES;
    /** Classes absent from training: each colour and shape here appears in training with other partners. */
    public static final List<String> HELD_OUT = List.of("red triangle", "green circle", "blue diamond", "yellow square");

    /** Extent (width and height) of a large and a small shape, and the border kept free, as fractions of the image size. */
    private static final double LARGE = 0.40;
    private static final double SMALL = 0.22;
    private static final double MARGIN = 0.04;

    private static final int[] TRAIN_CLASSES;

    static {
        List<String> names = new ArrayList<>();
        for (String c : COLOURS) {
            for (String s : SHAPES) {
                names.add(c + " " + s);
            }
        }
        CLASS_NAMES = List.copyOf(names);
        TRAIN_CLASSES = LongStream.range(0, names.size()).mapToInt(i -> (int) i)
                .filter(i -> !HELD_OUT.contains(names.get(i))).toArray();
    }

    /** Training images (seen classes only, one or two shapes) or evaluation images (one shape, all classes). */
    public enum Split {
        TRAIN, EVAL
    }

    private final Split split;
    private final int size;
    private final long count;

    /** {@code count} images of {@code size} x {@code size} pixels from {@code split}. */
    public Shapes(Split split, int size, long count) {
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("shape images must be 16 to 1024 pixels wide, got " + size);
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative example count " + count);
        }
        this.split = split;
        this.size = size;
        this.count = count;
    }

    /** Whether class {@code label} is held out of training. */
    public static boolean isHeldOut(int label) {
        return HELD_OUT.contains(CLASS_NAMES.get(label));
    }

    @Override
    public Stream<Example> examples(long seed, Consumer<DataError> errors) {
        return LongStream.range(0, count).mapToObj(i -> example(seed, i));
    }

    /** Example {@code index} under {@code seed}. */
    public Example example(long seed, long index) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, split == Split.TRAIN ? Seeds.SHAPES_TRAIN : Seeds.SHAPES_EVAL, index));
        String key = "shapes-" + split.name().toLowerCase(Locale.ROOT) + "/" + index;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, size, size);
            if (split == Split.EVAL || rng.nextBoolean()) {
                int cls = split == Split.EVAL ? (int) (index % CLASS_NAMES.size()) : TRAIN_CLASSES[rng.nextInt(TRAIN_CLASSES.length)];
                boolean large = rng.nextBoolean();
                double e = extent(large);
                double cx = uniform(rng, MARGIN * size + e / 2, size - MARGIN * size - e / 2);
                double cy = uniform(rng, MARGIN * size + e / 2, size - MARGIN * size - e / 2);
                draw(g, cls, cx, cy, e);
                return new Example(key, new ExampleImage.Decoded(img), phrase(cls, large), cls);
            }
            // Two shapes: the first in the left (or top) half, the second in the other half.
            int[] cls = {TRAIN_CLASSES[rng.nextInt(TRAIN_CLASSES.length)], TRAIN_CLASSES[rng.nextInt(TRAIN_CLASSES.length)]};
            boolean[] large = {rng.nextBoolean(), rng.nextBoolean()};
            boolean horizontal = rng.nextBoolean();
            for (int k = 0; k < 2; k++) {
                double e = extent(large[k]);
                double along = k == 0
                        ? uniform(rng, MARGIN * size + e / 2, size / 2.0 - e / 2)
                        : uniform(rng, size / 2.0 + e / 2, size - MARGIN * size - e / 2);
                double across = uniform(rng, MARGIN * size + e / 2, size - MARGIN * size - e / 2);
                draw(g, cls[k], horizontal ? along : across, horizontal ? across : along, e);
            }
            String caption = rng.nextBoolean()
                    ? phrase(cls[0], large[0]) + (horizontal ? " left of " : " above ") + phrase(cls[1], large[1])
                    : phrase(cls[1], large[1]) + (horizontal ? " right of " : " below ") + phrase(cls[0], large[0]);
            return new Example(key, new ExampleImage.Decoded(img), caption, Example.NO_LABEL);
        } finally {
            g.dispose();
        }
    }

    private double extent(boolean large) {
        return (large ? LARGE : SMALL) * size;
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static String phrase(int cls, boolean large) {
        return "a " + (large ? "large " : "small ") + CLASS_NAMES.get(cls);
    }

    /** Fills shape {@code cls} of extent {@code e} centred on (cx, cy). */
    private static void draw(Graphics2D g, int cls, double cx, double cy, double e) {
        double h = e / 2;
        Shape s = switch (SHAPES.get(cls % SHAPES.size())) {
            case "circle" -> new Ellipse2D.Double(cx - h, cy - h, e, e);
            case "square" -> new Rectangle2D.Double(cx - h, cy - h, e, e);
            case "triangle" -> polygon(cx, cy - h, cx + h, cy + h, cx - h, cy + h);
            case "diamond" -> polygon(cx, cy - h, cx + h, cy, cx, cy + h, cx - h, cy);
            default -> throw new IllegalStateException();
        };
        g.setColor(new Color(RGB[cls / SHAPES.size()]));
        g.fill(s);
    }

    private static Path2D polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }
}
