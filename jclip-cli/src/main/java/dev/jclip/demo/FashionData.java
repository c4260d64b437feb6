package dev.jclip.demo;

import dev.jclip.data.Example;
import dev.jclip.data.FashionMnist;
import dev.jclip.train.ShuffledBatches;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link FashionMnist}: training on the 60,000 training images, reshuffled every epoch, each with a
 * caption from one of the data set's templates (drawn again every epoch); zero-shot classification
 * and retrieval on the 10,000 test images, where a caption matches every image of its class.
 */
final class FashionData implements DemoData {
    /**
     * Zero-shot prompts: sentences made of the training captions' words, none of them a training
     * template (those say "a photo of", "a grayscale picture of", "an image of"...; these swap the nouns).
     * The class names carry their article ("a t-shirt"), so the templates have none before {@code {}}.
     */
    static final List<String> TEMPLATES = List.of("a picture of {}.", "a black and white image of {}.",
            "a low resolution picture of {}.", "a product image of {}.", "a grayscale photo of {}.", "a small image of {}.");

    private final long seed;
    private final Path dir;
    private final int batch, size;
    private List<BufferedImage> trainImages;
    private int[] trainLabels;
    private ShuffledBatches order;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    /** The files in {@code dir}; batches of {@code batch} pairs; images for a model of {@code size} pixels. */
    FashionData(Path dir, long seed, int batch, int size) {
        this.seed = seed;
        this.dir = dir;
        this.batch = batch;
        this.size = size;
        FashionMnist.open(dir, FashionMnist.Split.TEST); // fails now, naming the folder, if the files are missing
    }

    /** Reads the 60,000 training images (47 MB of pixels) on first use. */
    private void loadTraining() {
        if (trainImages != null) {
            return;
        }
        FashionMnist train = FashionMnist.open(dir, FashionMnist.Split.TRAIN);
        List<BufferedImage> images = new ArrayList<>(train.size());
        try (Stream<Example> s = train.examples(seed)) {
            s.forEach(e -> images.add(e.image().decode()));
        }
        trainLabels = new int[train.size()];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = train.label(i);
        }
        trainImages = images;
        order = new ShuffledBatches(images.size(), batch, seed, (epoch, idx) -> null);
    }

    @Override
    public String name() {
        return "fashion-mnist";
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public List<String> tokenizerCorpus() {
        List<String> c = new ArrayList<>();
        for (String t : FashionMnist.TEMPLATES) {
            for (String noun : FashionMnist.CAPTION_NOUNS) {
                c.add(t.replace("{}", noun));
            }
        }
        return c;
    }

    @Override
    public Pairs batch(long step, int n) {
        if (n != batch) {
            throw new IllegalArgumentException("this data was set up for batches of " + batch + ", not " + n);
        }
        loadTraining();
        int epoch = (int) (step / order.batchesPerEpoch());
        if (epoch != cachedEpoch) {
            cachedOrder = order.order(epoch);
            cachedEpoch = epoch;
        }
        int first = (int) (step % order.batchesPerEpoch()) * n;
        List<BufferedImage> images = new ArrayList<>(n);
        List<String> captions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int idx = cachedOrder[first + i];
            images.add(trainImages.get(idx));
            captions.add(FashionMnist.caption(trainLabels[idx], seed + epoch, idx));
        }
        return new Pairs(DemoData.stack(DemoData.tensors(images, size)), captions);
    }

    @Override
    public EvalSet zeroShotSet(int count) {
        return test(count);
    }

    @Override
    public EvalSet retrievalSet(int count) {
        return test(count);
    }

    private EvalSet test(int count) {
        FashionMnist test = FashionMnist.open(dir, FashionMnist.Split.TEST);
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Example> s = test.examples(seed).limit(count)) {
            s.forEach(e -> {
                images.add(e.image().decode());
                captions.add(e.caption());
                labels.add(e.label());
            });
        }
        int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
        return new EvalSet(images, l, captions, l.clone());
    }

    @Override
    public List<String> classNames() {
        return FashionMnist.CAPTION_NOUNS;
    }

    @Override
    public List<String> displayNames() {
        return FashionMnist.CLASS_NAMES;
    }

    @Override
    public List<String> templates() {
        return TEMPLATES;
    }
}
