package dev.jclip.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its IDX files: 28x28 grey images of ten kinds of
 * clothing, 60,000 for training and 10,000 for testing. Each image is paired with a caption made from
 * its class and one of {@link #TEMPLATES}, chosen per (seed, index); the label is the class index
 * into {@link #CLASS_NAMES}. Images stream in file order, one at a time (the labels, 1 byte each,
 * are read up front and checked); pixels are as stored, 0 the background and 255 full ink.
 */
public final class FashionMnist implements ImageTextSource {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the (gzip'd) files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The classes as caption phrases, with their article, by label. */
    public static final List<String> CAPTION_NOUNS = List.of(
            "a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat",
            "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot");

    /** Caption templates; {@code {}} stands for a {@link #CAPTION_NOUNS} phrase. */
    public static final List<String> TEMPLATES = List.of(
            "a photo of {}.", "a black and white photo of {}.", "a low resolution photo of {}.",
            "a product photo of {}.", "a grayscale picture of {}.", "an image of {}.", "a small photo of {}.", "{}.");

    /** The two splits and their file name prefixes. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private final IdxFile images;
    private final byte[] labels;
    private final String name;

    /** The images and labels of two IDX files; {@code name} prefixes the example keys. */
    public FashionMnist(Path imageFile, Path labelFile, String name) {
        IdxFile img = IdxFile.open(imageFile);
        IdxFile lab = IdxFile.open(labelFile);
        if (img.dims().length != 3) {
            throw new IllegalArgumentException(imageFile + ": an image IDX file needs 3 dimensions (count, rows, cols), has "
                    + img.dims().length);
        }
        if (lab.dims().length != 1) {
            throw new IllegalArgumentException(labelFile + ": a label IDX file needs 1 dimension, has " + lab.dims().length);
        }
        if (img.count() != lab.count()) {
            throw new IllegalArgumentException(imageFile + " holds " + img.count() + " images but " + labelFile + " holds "
                    + lab.count() + " labels");
        }
        byte[] l;
        try (InputStream in = lab.data()) {
            l = in.readNBytes(lab.count());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + labelFile, e);
        }
        if (l.length != lab.count()) {
            throw new IllegalArgumentException(labelFile + " is truncated: " + l.length + " of " + lab.count() + " labels");
        }
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xFF) >= CLASS_NAMES.size()) {
                throw new IllegalArgumentException(labelFile + ": label " + (l[i] & 0xFF) + " of item " + i + " is not a class (0-9)");
            }
        }
        this.images = img;
        this.labels = l;
        this.name = name;
    }

    /**
     * A split from a folder holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
     * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz}
     * (as downloaded, or {@link #DEBIAN_DIR}).
     */
    public static FashionMnist open(Path dir, Split split) {
        return new FashionMnist(find(dir, split.prefix + "-images-idx3-ubyte"), find(dir, split.prefix + "-labels-idx1-ubyte"),
                "fashion-mnist-" + split.name().toLowerCase(Locale.ROOT));
    }

    private static Path find(Path dir, String base) {
        for (String candidate : List.of(base, base + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no Fashion-MNIST file " + base + " (or " + base + ".gz) in " + dir
                + (dir.equals(DEBIAN_DIR) ? ": install it with 'apt-get install dataset-fashion-mnist'" : ""));
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /** The label of image {@code index}. */
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    /** The caption of class {@code label} for item {@code index} under {@code seed}. */
    public static String caption(int label, long seed, long index) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, Seeds.CAPTIONS, index));
        return TEMPLATES.get(rng.nextInt(TEMPLATES.size())).replace("{}", CAPTION_NOUNS.get(label));
    }

    @Override
    public Stream<Example> examples(long seed, Consumer<DataError> errors) {
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        InputStream in = images.data();
        Iterator<Example> it = new Iterator<>() {
            private int index;

            @Override
            public boolean hasNext() {
                return index < labels.length;
            }

            @Override
            public Example next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] pixels;
                try {
                    pixels = in.readNBytes(rows * cols);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read image " + index + " of " + images.file(), e);
                }
                if (pixels.length != rows * cols) {
                    throw new UncheckedIOException(new IOException(images.file() + " ends inside image " + index));
                }
                BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, cols, rows, pixels);
                int label = label(index);
                Example e = new Example(name + "/" + index, new ExampleImage.Decoded(img), caption(label, seed, index), label);
                index++;
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliterator(it, labels.length, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        in.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
