package dev.jclip.demo;

import dev.jclip.data.Example;
import dev.jclip.data.Shapes;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.tensor.DerivedRandom;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link Shapes}: training pairs from its training split (seen colour-shape combinations; of its
 * two-shape images only the fraction {@code twoShapes} is kept), zero-shot classification over all
 * 24 combinations on single-shape images (the four held-out ones reported on their own,
 * {@code top1_heldout}), and retrieval between other single-shape evaluation images (another seed,
 * held-out combinations included) and their captions ("a large red triangle"), where equal captions
 * match each other.
 *
 * <p>Training captions are varied the way web captions vary ({@link Mix}): the sizes are left out
 * ("a red circle"), and the caption is put into one of {@link #TRAIN_FRAMES} ("an image of a red
 * circle"). The zero-shot prompts use other frames ({@link #TEMPLATES}), so no prompt is ever a
 * training caption, yet every word of them is known. Some images are shown in grey with a caption
 * that names no colour: shape without colour, which is what recognizing an unseen combination needs
 * (otherwise a red triangle is just the red diamond the model knows, the only red thing with corners).
 */
final class ShapesData implements DemoData {
    /**
     * How the training pairs are made.
     *
     * @param sizeDropout probability that a caption leaves out the sizes
     * @param twoShapes   fraction of the split's two-shape images used
     * @param grey        probability that an image is shown in grey (each pixel its brightest channel) with a
     *                    caption that names no colour: shapes of no class colour, to learn shape apart from colour
     */
    record Mix(double sizeDropout, double twoShapes, double grey) {
        Mix {
            for (double p : new double[] {sizeDropout, twoShapes, grey}) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("shapes mix probabilities must be from 0 to 1, got " + p);
                }
            }
        }
    }

    /** Sentence frames of the training captions; {@code {}} is the data set's caption. */
    static final List<String> TRAIN_FRAMES = List.of("{}", "a picture of {}", "an image of {}", "a photo with {}", "{} on black");
    /** Zero-shot prompts, {@code {}} the class name: frames that no training caption has. */
    static final List<String> TEMPLATES = List.of("a photo of a {}", "an image with a {}", "a picture with a {}",
            "a photo of a {} on black");
    /** The random streams of the caption variations and of the two-shape filter, under the seed. */
    private static final long CAPTIONS = 0x4341_5054, TWO_SHAPES = 0x5457_4f53, GREY = 0x4752_4559;
    /** Examples of the split looked at per training pair: the first one kept is the pair. */
    private static final int CANDIDATES = 16;

    private final int size;
    private final long seed;
    private final Mix mix;
    private final Shapes train, eval;

    /** Images of {@code size} pixels, training pairs made as {@code mix} says. */
    ShapesData(int size, long seed, Mix mix) {
        this.size = size;
        this.seed = seed;
        this.mix = mix;
        this.train = new Shapes(Shapes.Split.TRAIN, size, Long.MAX_VALUE);
        this.eval = new Shapes(Shapes.Split.EVAL, size, Long.MAX_VALUE);
    }

    @Override
    public String name() {
        return "shapes";
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public List<String> tokenizerCorpus() {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            c.add(caption(i, pair(train, seed, i)));
        }
        return c;
    }

    /**
     * Training pair {@code slot} under {@code s}: the first kept of the split's examples
     * {@code slot * 16 ... slot * 16 + 15} (the last one if none is; with half the split's images
     * two-shape and none kept, that is one pair in 65,536).
     */
    private Example pair(Shapes split, long s, long slot) {
        Example e = null;
        for (int j = 0; j < CANDIDATES; j++) {
            long index = slot * CANDIDATES + j;
            e = split.example(s, index);
            if (e.label() != Example.NO_LABEL || DerivedRandom.of(s, TWO_SHAPES, index).nextDouble() < mix.twoShapes()) {
                break;
            }
        }
        return e;
    }

    /** The training caption of example {@code index}: the data set's, varied (see the class comment). */
    private String caption(long index, Example e) {
        SplittableRandom rng = DerivedRandom.of(seed, CAPTIONS, index);
        String c = rng.nextDouble() < mix.sizeDropout() ? e.caption().replace("large ", "").replace("small ", "") : e.caption();
        return TRAIN_FRAMES.get(rng.nextInt(TRAIN_FRAMES.size())).replace("{}", c);
    }

    @Override
    public Pairs batch(long step, int n) {
        List<BufferedImage> images = new ArrayList<>(n);
        List<String> captions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long index = step * n + i;
            Example e = pair(train, seed, index);
            String caption = caption(index, e);
            if (DerivedRandom.of(seed, GREY, index).nextDouble() < mix.grey()) {
                images.add(grey(e.image().decode()));
                for (String colour : Shapes.COLOURS) {
                    caption = caption.replace(colour + " ", "");
                }
                captions.add(caption);
            } else {
                images.add(e.image().decode());
                captions.add(caption);
            }
        }
        return new Pairs(DemoData.stack(DemoData.tensors(images, size)), captions);
    }
    /** The image in grey: each pixel's brightest channel, so a shape keeps its outline and brightness but no hue. */
    private static BufferedImage grey(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int v = Math.max(rgb >> 16 & 0xFF, Math.max(rgb >> 8 & 0xFF, rgb & 0xFF));
                out.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return out;
    }

    @Override
    public EvalSet zeroShotSet(int count) {
        return set(count, false);
    }

    @Override
    public EvalSet retrievalSet(int count) {
        return set(count, true);
    }

    /** The evaluation split's first {@code count} images, under the seed, or for retrieval the next seed. */
    private EvalSet set(int count, boolean retrieval) {
        List<BufferedImage> images = new ArrayList<>(count);
        List<String> captions = new ArrayList<>(count);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            Example e = eval.example(retrieval ? seed + 1 : seed, i);
            images.add(e.image().decode());
            captions.add(e.caption());
            labels[i] = e.label();
        }
        int[] groups = retrieval ? RetrievalTask.groupsByCaption(captions) : labels.clone();
        return new EvalSet(images, labels, captions, groups);
    }

    @Override
    public List<String> classNames() {
        return Shapes.CLASS_NAMES;
    }

    @Override
    public List<String> templates() {
        return TEMPLATES;
    }

    @Override
    public Map<String, int[]> subsets() {
        int[] held = Shapes.HELD_OUT.stream().mapToInt(Shapes.CLASS_NAMES::indexOf).toArray();
        int[] seen = java.util.stream.IntStream.range(0, Shapes.CLASS_NAMES.size())
                .filter(c -> Arrays.stream(held).noneMatch(h -> h == c)).toArray();
        return Map.of("heldout", held, "seen", seen);
    }
}
