package dev.jclip.cli;

import dev.jclip.data.DataError;
import dev.jclip.data.Example;
import dev.jclip.data.ExampleImage;
import dev.jclip.data.WebDatasetSource;
import dev.jclip.image.BadImageException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.PixelImage;
import dev.jclip.image.RandomResizedCrop;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.Batch;
import dev.jclip.train.DerivedRandom;
import dev.jclip.train.EpochData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Training batches streamed from WebDataset tar shards, in bounded memory: epoch {@code e} reads
 * the shards in the order and through the shuffle buffer that the seed and {@code e} give, and cuts
 * the samples into full batches (the last partial one is dropped). A resumed run skips the first
 * batches of its epoch without decoding them, so it sees the batches the interrupted run would
 * have. Bad samples and damaged shards are reported and skipped.
 */
final class ShardBatches implements EpochData {
    private final WebDatasetSource source;
    private final int batch, context, size;
    private final long seed;
    private final ClipTokenizer tokenizer;
    private final RandomResizedCrop crop;
    private final ImagePreprocessor eval;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Consumer<DataError> errors;

    ShardBatches(WebDatasetSource source, int batch, long seed, ClipTokenizer tokenizer, int context, int size, boolean augment,
                 PrintStream warnings) {
        this.source = source;
        this.batch = batch;
        this.seed = seed;
        this.tokenizer = tokenizer;
        this.context = context;
        this.size = size;
        this.crop = augment ? RandomResizedCrop.openClip(size) : null;
        this.eval = ImagePreprocessor.clip(size);
        this.errors = e -> warnings.println("jclip train: skipped " + e);
    }

    /** Pairs in one pass over the shards (reads them once, decoding nothing), for the schedule's length. */
    long count() {
        try (Stream<Example> s = source.examples(seed, e -> {})) {
            return s.count();
        }
    }

    @Override
    public Iterator<Batch> batches(int epoch, long first) {
        Stream<Example> stream = source.examples(DerivedRandom.of(seed, epoch).nextLong(), errors);
        Iterator<Example> it = stream.iterator();
        return new Iterator<>() {
            long index = first;
            List<Example> next = skipThenRead(first);

            private List<Example> skipThenRead(long batches) {
                for (long i = 0; i < batches * batch && it.hasNext(); i++) {
                    it.next();
                }
                return read();
            }

            private List<Example> read() {
                List<Example> b = new ArrayList<>(batch);
                while (b.size() < batch && it.hasNext()) {
                    b.add(it.next());
                }
                if (b.size() < batch) {
                    stream.close();
                    return null;
                }
                return b;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Batch next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Batch b = load(epoch, index++, next);
                next = read();
                return b;
            }
        };
    }

    /** Decodes the images on all cores (each writes its own slot; its crop depends only on the seed and its position). */
    private Batch load(int epoch, long batchIndex, List<Example> examples) {
        int per = 3 * size * size;
        float[] images = new float[examples.size() * per];
        IntStream.range(0, examples.size()).parallel().forEach(i -> {
            Example e = examples.get(i);
            try {
                PixelImage img = e.image() instanceof ExampleImage.Encoded enc ? decoder.decode(enc.bytes(), enc.name())
                        : ImageDecoder.fromBufferedImage(e.image().decode());
                Tensor t = crop != null ? crop.preprocess(img, DerivedRandom.of(seed, epoch, batchIndex * batch + i))
                        : eval.preprocess(img);
                System.arraycopy(t.data(), 0, images, i * per, per);
            } catch (BadImageException ex) {
                throw new IllegalArgumentException("training image " + e.key() + ": " + ex.getMessage(), ex);
            }
        });
        List<String> captions = examples.stream().map(Example::caption).toList();
        return new Batch(Tensor.of(images, examples.size(), 3, size, size), tokenizer.tokenize(captions, context, true).ids());
    }
}
