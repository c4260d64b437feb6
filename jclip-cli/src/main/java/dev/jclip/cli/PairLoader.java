package dev.jclip.cli;

import dev.jclip.image.BadImageException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.image.RandomResizedCrop;
import dev.jclip.tensor.Tensor;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.train.Batch;
import dev.jclip.train.DerivedRandom;
import dev.jclip.train.ShuffledBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Builds training batches from {@link CsvPairs}: images decoded and preprocessed
 * (OpenCLIP's training crop, or CLIP's resize and center crop without
 * augmentation), captions tokenized and truncated to the context. Images of a
 * batch are decoded in parallel; each writes only its own slot and draws its
 * crop from {@code DerivedRandom.of(seed, epoch, pair)}, so the batch is the same
 * whatever the thread count or timing.
 */
final class PairLoader implements ShuffledBatches.Loader {
    private final List<CsvPairs.Pair> pairs;
    private final ClipTokenizer tokenizer;
    private final int context, size;
    private final long seed;
    private final RandomResizedCrop crop;
    private final ImagePreprocessor eval;
    private final ImageDecoder decoder = new ImageDecoder();

    PairLoader(List<CsvPairs.Pair> pairs, ClipTokenizer tokenizer, int context, int size, long seed, boolean augment) {
        this.pairs = pairs;
        this.tokenizer = tokenizer;
        this.context = context;
        this.size = size;
        this.seed = seed;
        this.crop = augment ? RandomResizedCrop.openClip(size) : null;
        this.eval = ImagePreprocessor.clip(size);
    }

    @Override
    public Batch load(int epoch, int[] idx) {
        int per = 3 * size * size;
        float[] images = new float[idx.length * per];
        IntStream.range(0, idx.length).parallel().forEach(i -> {
            CsvPairs.Pair p = pairs.get(idx[i]);
            try {
                Tensor t = crop != null ? crop.preprocess(decoder.decode(p.image()), DerivedRandom.of(seed, epoch, idx[i]))
                        : eval.preprocess(p.image());
                System.arraycopy(t.data(), 0, images, i * per, per);
            } catch (BadImageException e) {
                throw new IllegalArgumentException("training image " + p.image() + ": " + e.getMessage(), e);
            }
        });
        List<String> captions = new ArrayList<>(idx.length);
        for (int i : idx) {
            captions.add(pairs.get(i).caption());
        }
        return new Batch(Tensor.of(images, idx.length, 3, size, size), tokenizer.tokenize(captions, context, true).ids());
    }
}
