package dev.jclip.cli;

import dev.jclip.data.CsvReader;
import dev.jclip.data.CsvSource;
import dev.jclip.data.Example;
import dev.jclip.data.FashionMnist;
import dev.jclip.data.FolderSource;
import dev.jclip.data.ImageTextSource;
import dev.jclip.data.Shapes;
import dev.jclip.data.WebDatasetSource;
import dev.jclip.train.ExampleBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The data options of {@code jclip train} and the batches they name. Random-access data (CSV, folder,
 * Fashion-MNIST, generated shapes) is reshuffled every epoch; tar shards are streamed through a
 * shuffle buffer (see {@link ExampleBatches}).
 */
final class TrainData {
    private static final String SHAPES = "shapes", FASHION_MNIST = "fashion-mnist";
    private static final int DEFAULT_SHAPES = 10_000;

    @Option(names = "--data", required = true, split = "::", paramLabel = "DATA", description = {
        "Training pairs: a CSV/TSV file (image paths relative to it), a folder of images with .txt captions,",
        "WebDataset tar shards ('shards/{000..009}.tar'; several with '::' or repeated --data),",
        "fashion-mnist[:DIR] (default DIR /usr/share/datasets/fashion-mnist) or shapes[:COUNT] (generated, default 10000)."})
    List<String> specs;

    @Option(names = "--csv-img-key", description = "CSV header column of the image paths (default: a header 'filepath,title' "
            + "or 'image_path,caption' is detected, else the file has none: image path, caption).")
    String csvImageKey;

    @Option(names = "--csv-caption-key", description = "CSV header column of the captions (see --csv-img-key).")
    String csvCaptionKey;

    @Option(names = "--csv-separator", description = "CSV field separator, one character or '\\t' (default: tab for .tsv files, else comma).")
    String csvSeparator;

    @Option(names = "--skip-bad-rows", description = "CSV: skip (and count) malformed rows, reading on from the next line, "
            + "instead of stopping at the first.")
    boolean skipBadRows;

    @Option(names = "--shuffle-buffer", description = "Tar shards: samples in the shuffle buffer, 0 to read the shards in order (default 1000).")
    Integer shuffleBuffer;

    @Option(names = "--train-num-samples", description = "Tar shards: samples per epoch (default: counted by reading the shards once).")
    Long trainNumSamples;

    @Option(names = "--workers", description = "Threads decoding and preprocessing images (default: the number of CPUs).")
    int workers = Runtime.getRuntime().availableProcessors();

    /** The batches and the number of pairs an epoch draws from. */
    record Opened(ExampleBatches batches, long pairs) {}

    private enum Kind { SHARDS, SHAPES, FASHION_MNIST, FOLDER, CSV }

    /** The batches of the data named by the options. */
    Opened open(ExampleBatches.Settings s) throws IOException {
        String first = specs.getFirst();
        Kind kind = specs.size() > 1 ? Kind.SHARDS : kind(first);
        refuse(kind != Kind.SHARDS && (shuffleBuffer != null || trainNumSamples != null),
                "--shuffle-buffer and --train-num-samples are for tar shards");
        refuse(kind != Kind.CSV && (csvImageKey != null || csvCaptionKey != null || csvSeparator != null || skipBadRows),
                "the --csv-* options and --skip-bad-rows are for CSV data");
        return switch (kind) {
            case SHARDS -> shards(s);
            case SHAPES -> shapes(first.equals(SHAPES) ? DEFAULT_SHAPES : count(first.substring(SHAPES.length() + 1), first), s);
            case FASHION_MNIST -> listed(FashionMnist.open(first.equals(FASHION_MNIST) ? FashionMnist.DEBIAN_DIR
                    : Path.of(first.substring(FASHION_MNIST.length() + 1)), FashionMnist.Split.TRAIN), s);
            case FOLDER -> listed(new FolderSource(Path.of(first)), s);
            case CSV -> csvListed(Path.of(first), s);
        };
    }

    /** Generated shapes at the model's image size, each drawn on a worker when its turn comes. */
    private static Opened shapes(int count, ExampleBatches.Settings s) {
        Shapes shapes = new Shapes(Shapes.Split.TRAIN, s.imageSize(), count);
        return new Opened(ExampleBatches.shuffled(i -> shapes.example(s.seed(), i), count, s), count);
    }

    /** A source read into memory once (paths and captions, or small images), then reshuffled every epoch. */
    private Opened listed(ImageTextSource source, ExampleBatches.Settings s) {
        List<Example> examples;
        try (Stream<Example> all = source.examples(s.seed(), s.errors())) {
            examples = all.toList();
        }
        refuse(examples.size() < s.batchSize(), "--data " + specs.getFirst() + " has " + examples.size()
                + " usable pairs, fewer than one batch of " + s.batchSize());
        return new Opened(ExampleBatches.shuffled(examples::get, examples.size(), s), examples.size());
    }

    private static Kind kind(String spec) {
        if (isShards(spec)) {
            return Kind.SHARDS;
        }
        if (spec.equals(SHAPES) || spec.startsWith(SHAPES + ":")) {
            return Kind.SHAPES;
        }
        if (spec.equals(FASHION_MNIST) || spec.startsWith(FASHION_MNIST + ":")) {
            return Kind.FASHION_MNIST;
        }
        if (Files.isDirectory(Path.of(spec))) {
            return Kind.FOLDER;
        }
        refuse(!Files.isRegularFile(Path.of(spec)), "--data " + spec + ": no such file or folder (expected a CSV/TSV file, "
                + "a folder of images with .txt captions, .tar shards, fashion-mnist[:DIR] or shapes[:COUNT])");
        return Kind.CSV;
    }

    private Opened shards(ExampleBatches.Settings s) {
        for (String spec : specs) {
            refuse(!isShards(spec), "--data " + spec + ": several --data values must all be tar shards (.tar, .tar.gz, .tgz)");
        }
        WebDatasetSource source = WebDatasetSource.open(specs, shuffleBuffer != null ? shuffleBuffer : 1000);
        long pairs;
        if (trainNumSamples != null) {
            pairs = trainNumSamples;
        } else {
            // Read in order, unshuffled: the same samples without filling a buffer. Problems are reported
            // when an epoch reads them; here they would only be reported twice.
            try (Stream<Example> all = new WebDatasetSource(source.shards(), 0).examples(s.seed(), e -> { })) {
                pairs = all.count();
            }
        }
        refuse(pairs < s.batchSize(), String.join("::", specs) + " holds " + pairs + " usable samples, fewer than one batch of "
                + s.batchSize());
        return new Opened(ExampleBatches.streamed(source, pairs / s.batchSize(), s), pairs);
    }

    /** The rows of a CSV file; a malformed row stops them (naming it) unless --skip-bad-rows. */
    private Opened csvListed(Path file, ExampleBatches.Settings s) throws IOException {
        try {
            CsvSource csv = csv(file);
            return listed(skipBadRows ? csv.skippingBadRows() : csv, s);
        } catch (CsvReader.MalformedRowException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was trained. Fix the row, or pass --skip-bad-rows "
                    + "to skip malformed rows (each is counted and reading resumes on the next line)", e);
        }
    }

    /** A CSV or TSV file with the columns the options name, or else the header it has (or none). */
    private CsvSource csv(Path file) throws IOException {
        char sep = separator(file);
        if (csvImageKey != null || csvCaptionKey != null) {
            return CsvSource.withHeader(file, sep, csvImageKey != null ? csvImageKey : CsvSource.OPENCLIP_IMAGE_COLUMN,
                    csvCaptionKey != null ? csvCaptionKey : CsvSource.OPENCLIP_CAPTION_COLUMN);
        }
        return detectCsv(file, sep);
    }

    /** A CSV with OpenCLIP's header ({@code filepath}, {@code title}), or {@code image_path,caption}, or none. */
    static CsvSource detectCsv(Path file, char sep) throws IOException {
        return CsvSource.detect(file, sep);
    }

    private char separator(Path file) {
        if (csvSeparator == null) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        }
        String sep = csvSeparator.equals("\\t") ? "\t" : csvSeparator;
        refuse(sep.length() != 1, "--csv-separator must be one character (or \\t), got '" + csvSeparator + "'");
        return sep.charAt(0);
    }

    private static boolean isShards(String spec) {
        return spec.contains("{") || spec.endsWith(".tar") || spec.endsWith(".tar.gz") || spec.endsWith(".tgz");
    }

    private static int count(String text, String spec) {
        refuse(!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1, "--data " + spec + ": expected a count of 1 to 999999999 after ':'");
        return Integer.parseInt(text);
    }

    private static void refuse(boolean bad, String message) {
        if (bad) {
            throw new IllegalArgumentException(message);
        }
    }
}
