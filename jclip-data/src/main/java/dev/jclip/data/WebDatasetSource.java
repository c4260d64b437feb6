package dev.jclip.data;

import dev.jclip.image.ImageExtensions;
import dev.jclip.io.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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

    /** Groups the entries of the shards, one open at a time, into examples. */
    private static final class Samples extends LookaheadIterator<Example> {
        private final List<Path> order;
        private final Consumer<DataError> errors;
        private int shard = -1;
        private TarReader reader;
        private String key;
        private final Map<String, byte[]> parts = new HashMap<>();
        private Example ready;

        Samples(List<Path> order, Consumer<DataError> errors) {
            this.order = order;
            this.errors = errors;
        }

        @Override
        protected Example computeNext() {
            while (ready == null) {
                if (reader == null && !openNextShard()) {
                    return null;
                }
                TarReader.Entry entry;
                try {
                    entry = reader.next();
                } catch (TarReader.Damage d) {
                    // Keep the sample being collected only if the damage is in another sample's file:
                    // otherwise it may lack parts.
                    if (d.entryName() != null && !Objects.equals(keyOf(d.entryName()), key)) {
                        flush();
                    }
                    skipRestOfShard(d.detail());
                    continue;
                } catch (IOException e) {
                    skipRestOfShard(e.toString());
                    continue;
                }
                if (entry == null) {
                    flush();
                    close();
                    continue;
                }
                String k = keyOf(entry.name());
                if (k == null) {
                    continue;
                }
                if (!k.equals(key)) {
                    flush();
                    key = k;
                }
                String name = entry.name();
                parts.put(name.substring(name.indexOf('.', name.lastIndexOf('/') + 1) + 1).toLowerCase(Locale.ROOT), entry.data());
            }
            Example e = ready;
            ready = null;
            return e;
        }

        private void skipRestOfShard(String why) {
            key = null;
            parts.clear();
            errors.accept(new DataError(shardName(), why + "; the rest of this shard is skipped"));
            close();
        }

        /** The sample key of a file: its path (less a leading "./") up to the first dot of the file name; null without a dot. */
        private static String keyOf(String name) {
            int dot = name.indexOf('.', name.lastIndexOf('/') + 1);
            return dot < 0 ? null : name.substring(name.startsWith("./") ? 2 : 0, dot);
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
                    reader = new TarReader(in, p.toString());
                    return true;
                } catch (IOException e) {
                    errors.accept(new DataError(p.toString(), "cannot open shard: " + e.getMessage()));
                }
            }
            return false;
        }

        /** Turns the collected parts of the current key into {@link #ready}, or reports what is missing. */
        private void flush() {
            if (key == null) {
                return;
            }
            String where = shardName() + " sample " + key;
            String k = key;
            key = null;
            String imageExt = null;
            for (String ext : ImageExtensions.ALL) {
                if (parts.containsKey(ext)) {
                    imageExt = ext;
                    break;
                }
            }
            try {
                if (imageExt == null) {
                    errors.accept(new DataError(where, "no image (" + String.join("/", ImageExtensions.ALL) + "), has " + parts.keySet()));
                    return;
                }
                String caption = caption(where);
                if (caption == null) {
                    return;
                }
                int label = Example.NO_LABEL;
                byte[] cls = parts.get("cls");
                if (cls != null) {
                    String text = new String(cls, StandardCharsets.UTF_8).strip();
                    if (!text.matches("\\d{1,9}")) {
                        // Named by place and size, never quoted: the entry could hold anything.
                        errors.accept(new DataError(where, "its class label (.cls, " + cls.length
                                + " bytes) is not a non-negative integer of at most 9 digits"));
                        return;
                    }
                    label = Integer.parseInt(text);
                }
                ready = new Example(k, new ExampleImage.Encoded(parts.get(imageExt), where + "." + imageExt), caption, label);
            } finally {
                parts.clear();
            }
        }

        private String caption(String where) {
            byte[] txt = parts.get("txt");
            if (txt != null) {
                return new String(txt, StandardCharsets.UTF_8).strip();
            }
            byte[] json = parts.get("json");
            if (json == null) {
                errors.accept(new DataError(where, "no caption (txt or json), has " + parts.keySet()));
                return null;
            }
            try {
                Map<String, Object> obj = Json.parseObject(new String(json, StandardCharsets.UTF_8));
                Object c = obj.containsKey("caption") ? obj.get("caption") : obj.get("text");
                if (c instanceof String s) {
                    return s.strip();
                }
                errors.accept(new DataError(where, "json has no string 'caption' or 'text' field"));
            } catch (IllegalArgumentException e) {
                errors.accept(new DataError(where, "bad json: " + e.getMessage()));
            }
            return null;
        }

        private String shardName() {
            return order.get(shard).toString();
        }

        void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close " + shardName(), e);
                } finally {
                    reader = null;
                }
            }
        }
    }
}
