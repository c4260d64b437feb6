package dev.jclip.spark;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip spark embed}: a resumable {@link EmbedJob} from a folder of images, a text file of
 * image paths or of texts, a Parquet column (with captions), or WebDataset shards, into Parquet. Exits 1 when some item failed (its
 * row has the reason in {@code error}).
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed images, WebDataset shards or texts into Parquet (key, embedding, model, error, caption), resumably.")
final class SparkEmbedCommand implements Callable<Integer> {
    static final class Input {
        @Option(names = "--images", paramLabel = "DIR", description = "A folder (any Hadoop file system), walked recursively.")
        String images;

        @Option(names = "--paths", paramLabel = "FILE", description = "A text file of image paths or URIs, one per line.")
        String paths;

        @Option(names = "--texts", paramLabel = "FILE", description = "A UTF-8 text file: one text per line (blank lines skipped).")
        String texts;

        @Option(names = "--input", paramLabel = "PARQUET", description = "Parquet with the image paths in --column.")
        String input;

        @Option(names = "--shards", paramLabel = "PATTERN",
                description = "WebDataset tar shards: a brace pattern and/or glob, e.g. data/shard-{0000..0099}.tar or 'data/*.tar'.")
        String shards;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Mixin
    SparkOptions options;

    @Option(names = "--column", defaultValue = "path", paramLabel = "NAME", description = "The --input column of paths (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = "--caption-column", paramLabel = "NAME", description = "An --input column of captions, kept in the output's caption column.")
    String captionColumn;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The Parquet folder to write (or resume).")
    String output;

    @Option(names = "--chunk", paramLabel = "N",
            description = "Items per output partition, the unit of resumption (default: 10000; with --shards, shards: 100).")
    Integer chunk;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks per chunk (default: the default parallelism).")
    Integer partitions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        return options.run("jclip spark embed", spark -> {
            if (captionColumn != null && input.input == null) {
                throw new IllegalArgumentException("--caption-column names a column of --input");
            }
            Inputs.Captioned in = input.images != null ? new Inputs.Captioned(Inputs.imageFiles(spark, input.images), null)
                    : input.paths != null ? new Inputs.Captioned(Inputs.lines(spark, input.paths), null)
                    : input.texts != null ? new Inputs.Captioned(Inputs.lines(spark, input.texts), null)
                    : input.shards != null ? new Inputs.Captioned(Inputs.shards(spark, input.shards), null)
                    : Inputs.parquetColumns(spark, input.input, column, captionColumn);
            int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            EmbedJob.Kind kind = input.texts != null ? EmbedJob.Kind.TEXTS : input.shards != null ? EmbedJob.Kind.SHARDS : EmbedJob.Kind.IMAGES;
            int perChunk = chunk != null ? chunk : kind == EmbedJob.Kind.SHARDS ? 100 : 10_000;
            long t0 = System.nanoTime();
            EmbedJob.Summary s = new EmbedJob(spark, options.model(), perChunk, parts).run(kind, in.items(), in.captions(), output);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf("embedded %d of %d %s into %s (%d chunks written, %d already there) in %.1f s%s%n", s.rows() - s.failed(),
                    kind == EmbedJob.Kind.SHARDS ? s.rows() : in.items().size(),
                    kind == EmbedJob.Kind.SHARDS ? "samples of " + in.items().size() + " shards" : "items", output,
                    s.chunksWritten(), s.chunksSkipped(), seconds,
                    s.failed() > 0 ? "; " + s.failed() + " failed (their rows say why in the error column)" : "");
            if (s.failed() > 0) {
                err.println("jclip spark embed: " + s.failed() + " items failed");
            }
            return s.failed() > 0 ? 1 : 0;
        });
    }
}
