package dev.jclip.data;

import dev.jclip.image.ImageExtensions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * WebDataset tar shards ({@code .tar}, or gzip'd {@code .tar.gz}/{@code .tgz}): consecutive files
 * sharing a key (the path up to the first dot of the file name: {@code 00/abc.jpg} and
 * {@code 00/abc.txt} form sample {@code 00/abc}) make one example: the image from the first of
 * {@link ImageExtensions#ALL} ({@code jpg jpeg png gif bmp webp tif tiff}) it has, the caption
 * from {@code txt} or else from the {@code caption} (or {@code text}) field of {@code json}, an
 * optional class label from {@code cls}.
 * A sample without an image or a caption is reported and skipped; a missing, truncated or corrupt shard
 * is reported and the rest of it skipped, keeping the complete samples read before the damage.
 *
 * <p>With a shuffle buffer, the shard order is shuffled with the seed and the samples pass through a
 * {@link ShuffleBuffer} of that size; without one, shards are read in the given order.
 */
public final class WebDatasetSource implements ImageTextSource {
    private final List<Path> shards;
    private final int shuffleBuffer;

    /** The shards in {@code shards}; {@code shuffleBuffer} 0 reads them in order, unshuffled. */
    public WebDatasetSource(List<Path> shards, int shuffleBuffer) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no WebDataset shards given");
        }
        if (shuffleBuffer < 0) {
            throw new IllegalArgumentException("shuffle buffer must be >= 0, got " + shuffleBuffer);
        }
        this.shards = List.copyOf(shards);
        this.shuffleBuffer = shuffleBuffer;
    }

    /** The shards named by brace patterns such as {@code data/shard-{000..009}.tar}, see {@link Braces}. */
    public static WebDatasetSource open(List<String> patterns, int shuffleBuffer) {
        List<Path> paths = new ArrayList<>();
        for (String p : patterns) {
            for (String name : Braces.expand(p)) {
                paths.add(Path.of(name));
            }
        }
        return new WebDatasetSource(paths, shuffleBuffer);
    }

    /** The shards, in the given order. */
    public List<Path> shards() {
        return shards;
    }

    @Override
    public Stream<Example> examples(long seed, Consumer<DataError> errors) {
        List<Path> order = new ArrayList<>(shards);
        if (shuffleBuffer > 0) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, Seeds.SHARDS, 0));
            for (int i = order.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                order.set(j, order.set(i, order.get(j)));
            }
        }
        Samples samples = new Samples(order, errors);
        Stream<Example> s = StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(samples, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(samples::close);
        return shuffleBuffer > 1 ? ShuffleBuffer.shuffle(s, shuffleBuffer, Seeds.mix(seed, Seeds.SHUFFLE, 1)) : s;
    }

    /** The samples of the shards, one open at a time ({@link WebDatasetShard}), as examples. */
    private static final class Samples extends LookaheadIterator<Example> {
        private final List<Path> order;
        private final Consumer<DataError> errors;
        private int shard = -1;
        private WebDatasetShard current;

        Samples(List<Path> order, Consumer<DataError> errors) {
            this.order = order;
            this.errors = errors;
        }

        @Override
        protected Example computeNext() {
            while (true) {
                if (current == null && !openNextShard()) {
                    return null;
                }
                if (!current.hasNext()) {
                    close();
                    continue;
                }
                Example e = example(current.next());
                if (e != null) {
                    return e;
                }
            }
        }

        private boolean openNextShard() {
            while (++shard < order.size()) {
                Path p = order.get(shard);
                if (!Files.isRegularFile(p)) {
                    errors.accept(new DataError(p.toString(), "missing shard"));
                    continue;
                }
                try {
                    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
                    String n = p.getFileName().toString();
                    if (n.endsWith(".gz") || n.endsWith(".tgz")) {
                        in = new GZIPInputStream(in, 1 << 16);
                    }
                    current = new WebDatasetShard(in, p.toString(), errors);
                    return true;
                } catch (IOException e) {
                    errors.accept(new DataError(p.toString(), "cannot open shard: " + e.getMessage()));
                }
            }
            return false;
        }

        /** The sample as an example, or null after reporting what is missing. */
        private Example example(WebDatasetShard.Sample s) {
            String where = current.name() + " sample " + s.key();
            String imageExt = s.imageExtension();
            if (imageExt == null) {
                errors.accept(new DataError(where, "no image (" + String.join("/", ImageExtensions.ALL) + "), has " + s.parts().keySet()));
                return null;
            }
            String caption;
            try {
                caption = s.caption();
            } catch (IllegalArgumentException e) {
                errors.accept(new DataError(where, e.getMessage()));
                return null;
            }
            if (caption == null) {
                errors.accept(new DataError(where, "no caption (txt or json), has " + s.parts().keySet()));
                return null;
            }
            int label = Example.NO_LABEL;
            byte[] cls = s.parts().get("cls");
            if (cls != null) {
                String text = new String(cls, StandardCharsets.UTF_8).strip();
                if (!text.matches("\\d{1,9}")) {
                    // Named by place and size, never quoted: the entry could hold anything.
                    errors.accept(new DataError(where, "its class label (.cls, " + cls.length
                            + " bytes) is not a non-negative integer of at most 9 digits"));
                    return null;
                }
                label = Integer.parseInt(text);
            }
            return new Example(s.key(), new ExampleImage.Encoded(s.parts().get(imageExt), where + "." + imageExt), caption, label);
        }

        void close() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close " + current.name(), e);
                } finally {
                    current = null;
                }
            }
        }
    }
}
