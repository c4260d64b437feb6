package dev.jclip.train;

import dev.jclip.data.DataError;
import dev.jclip.data.Example;
import dev.jclip.data.ExampleImage;
import dev.jclip.data.ImageTextSource;
import dev.jclip.data.LookaheadIterator;
import dev.jclip.data.Prefetcher;
import dev.jclip.image.BadImageException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.PixelImage;
import dev.jclip.image.RandomResizedCrop;
import dev.jclip.tensor.DerivedRandom;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Training batches made from image-caption {@link Example}s: images decoded and preprocessed
 * (OpenCLIP's training crop, or CLIP's resize and center crop without augmentation) and captions
 * tokenized on worker threads by an ordered {@link Prefetcher}, about one batch ahead of the trainer.
 *
 * <p>Batch {@code k} of an epoch is items {@code [kB, (k+1)B)} of that epoch's order, and item
 * {@code p}'s crop draws from {@code DerivedRandom.of(seed, epoch, p)}, so a batch depends only on
 * (seed, epoch, k), whatever the thread count. The order is either
 * <ul>
 * <li>{@link #shuffled}: examples by index (a CSV, a folder, generated images), a new permutation each
 *     epoch; a resumed run starts at item {@code kB} directly, or
 * <li>{@link #streamed}: a source read front to back (WebDataset shards through a shuffle buffer), its
 *     stream for epoch {@code e} seeded from (seed, e); a resumed run replays the epoch's stream from its
 *     start and drops the first {@code kB} examples undecoded (their images stay encoded bytes).
 * </ul>
 *
 * <p>An item whose image cannot be decoded is reported to the error handler and left out of its
 * batch, which is then smaller by one: the other items keep their positions, so the order never
 * depends on what decodes. A batch in which every image fails stops training with an error. The last
 * partial batch of an epoch is dropped, as OpenCLIP does. Close to stop the workers.
 */
public final class ExampleBatches implements EpochData, AutoCloseable {

    /**
     * How examples become batches.
     *
     * @param batchSize     pairs per batch
     * @param seed          the run's seed: the order and the crops derive from it
     * @param tokenizer     encodes captions (truncated to the context, end token kept)
     * @param contextLength token ids per caption
     * @param imageSize     side of the square preprocessed images
     * @param augment       OpenCLIP's RandomResizedCrop (scale 0.9-1) instead of the center crop
     * @param threads       worker threads decoding and preprocessing
     * @param errors        receives every item left out, on the thread that iterates the batches
     */
    public record Settings(int batchSize, long seed, ClipTokenizer tokenizer, int contextLength, int imageSize,
                           boolean augment, int threads, Consumer<DataError> errors) {
        public Settings {
            if (batchSize < 1 || threads < 1) {
                throw new IllegalArgumentException("need batchSize >= 1 and threads >= 1, got " + batchSize + " and " + threads);
            }
        }
    }

    /** The items of an epoch from position {@code from} on, in order. */
    @FunctionalInterface
    private interface Order {
        Stream<Item> items(int epoch, long from);
    }

    /** Item {@code position} of its epoch; its example is made on a worker (generated images are drawn there). */
    private record Item(long position, Supplier<Example> example) {}

    /** A preprocessed item ({@code image} [3, size, size], {@code tokens} [context]), or why it was left out. */
    private record Prepared(String key, float[] image, int[] tokens, String error) {}

    private final long batchesPerEpoch;
    private final Settings settings;
    private final Order order;
    private final ImageDecoder decoder = new ImageDecoder();
    private final RandomResizedCrop crop;
    private final ImagePreprocessor center;
    /** The pipeline of the epoch being read, closed when the next one starts. */
    private Stream<Prepared> open;

    private ExampleBatches(long batchesPerEpoch, Settings settings, Order order) {
        this.batchesPerEpoch = batchesPerEpoch;
        this.settings = settings;
        this.order = order;
        this.crop = settings.augment() ? RandomResizedCrop.openClip(settings.imageSize()) : null;
        this.center = ImagePreprocessor.clip(settings.imageSize());
    }

    /**
     * {@code size} examples by index, reshuffled every epoch ({@link ShuffledBatches#permutation});
     * {@code example} is called on worker threads.
     */
    public static ExampleBatches shuffled(IntFunction<Example> example, int size, Settings settings) {
        int b = settings.batchSize();
        if (size < b) {
            throw new IllegalArgumentException("need at least one full batch: " + size + " examples, batch size " + b);
        }
        long batches = size / b;
        return new ExampleBatches(batches, settings, (epoch, from) -> {
            int[] perm = ShuffledBatches.permutation(size, settings.seed(), epoch);
            return LongStream.range(from, batches * b).mapToObj(p -> new Item(p, () -> example.apply(perm[(int) p])));
        });
    }

    /**
     * Epochs of at most {@code batchesPerEpoch} batches from {@code source}, read front to back; epoch
     * {@code e} reads {@code source.examples(DerivedRandom.of(seed, e).nextLong(), errors)}.
     */
    public static ExampleBatches streamed(ImageTextSource source, long batchesPerEpoch, Settings settings) {
        if (batchesPerEpoch < 1) {
            throw new IllegalArgumentException("need at least one batch per epoch, got " + batchesPerEpoch);
        }
        long items = batchesPerEpoch * settings.batchSize();
        return new ExampleBatches(batchesPerEpoch, settings, (epoch, from) -> {
            long[] next = {from}; // positions, counted on the one thread that reads the stream
            return source.examples(DerivedRandom.of(settings.seed(), epoch).nextLong(), settings.errors())
                    .limit(items).skip(from).map(e -> new Item(next[0]++, () -> e));
        });
    }

    /** Full batches in an epoch (a streamed epoch may end sooner if its source holds fewer examples). */
    public long batchesPerEpoch() {
        return batchesPerEpoch;
    }

    @Override
    public Iterator<Batch> batches(int epoch, long first) {
        close();
        int b = settings.batchSize();
        Stream<Prepared> prepared = Prefetcher.map(order.items(epoch, first * b), item -> prepare(epoch, item),
                settings.threads(), Math.max(settings.threads(), b));
        open = prepared;
        Iterator<Prepared> in = prepared.iterator();
        return new LookaheadIterator<>() {
            private long index = first;

            @Override
            protected Batch computeNext() {
                Batch next = index < batchesPerEpoch ? assemble(in, epoch, index++) : null;
                if (next == null && open == prepared) {
                    close();
                }
                return next;
            }
        };
    }

    /** Batch {@code index} from the next B items, less those that failed; null when fewer than B are left. */
    private Batch assemble(Iterator<Prepared> in, int epoch, long index) {
        int b = settings.batchSize();
        List<Prepared> items = new ArrayList<>(b);
        while (items.size() < b && in.hasNext()) {
            items.add(in.next());
        }
        if (items.size() < b) {
            return null;
        }
        List<Prepared> good = new ArrayList<>(b);
        for (Prepared p : items) {
            if (p.image() == null) {
                settings.errors().accept(new DataError(p.key(), p.error()));
            } else {
                good.add(p);
            }
        }
        if (good.isEmpty()) {
            throw new IllegalStateException("batch " + index + " of epoch " + epoch + ": none of its " + b
                    + " images could be decoded (see the errors above); check the data");
        }
        int size = settings.imageSize(), per = 3 * size * size;
        float[] images = new float[good.size() * per];
        int[][] tokens = new int[good.size()][];
        for (int i = 0; i < good.size(); i++) {
            System.arraycopy(good.get(i).image(), 0, images, i * per, per);
            tokens[i] = good.get(i).tokens();
        }
        return new Batch(Tensor.of(images, good.size(), 3, size, size), tokens);
    }

    /** Runs on a worker: makes the example, tokenizes its caption, decodes and crops its image. */
    private Prepared prepare(int epoch, Item item) {
        Example e = item.example().get();
        int[] tokens = settings.tokenizer().tokenize(List.of(e.caption()), settings.contextLength(), true).ids()[0];
        try {
            PixelImage pixels = pixels(e.image());
            Tensor t = crop != null ? crop.preprocess(pixels, DerivedRandom.of(settings.seed(), epoch, item.position()))
                    : center.preprocess(pixels);
            return new Prepared(e.key(), t.data(), tokens, null);
        } catch (BadImageException | IllegalArgumentException x) {
            return new Prepared(e.key(), null, null, "image left out: " + x.getMessage());
        }
    }

    /**
     * Files and encoded bytes go through the core's decoder rather than {@link ExampleImage#decode()}:
     * it gives the pixels in the mode Pillow would (so the crops match OpenCLIP's) and refuses
     * decompression bombs before decoding.
     */
    private PixelImage pixels(ExampleImage image) throws BadImageException {
        return switch (image) {
            case ExampleImage.FromFile f -> decoder.decode(f.path());
            case ExampleImage.Encoded b -> decoder.decode(b.bytes(), b.name());
            case ExampleImage.Decoded d -> ImageDecoder.fromBufferedImage(d.image());
        };
    }

    /** Stops the workers and closes the files of the epoch being read. */
    @Override
    public void close() {
        if (open != null) {
            Stream<Prepared> s = open;
            open = null;
            s.close();
        }
    }
}
