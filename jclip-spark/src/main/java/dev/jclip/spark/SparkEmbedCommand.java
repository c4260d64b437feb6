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
 * image paths or of texts, or a Parquet column, into Parquet. Exits 1 when some item failed (its
 * row has the reason in {@code error}).
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed images or texts into Parquet (key, embedding, model, error), resumably.")
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
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Mixin
    SparkOptions options;

    @Option(names = "--column", defaultValue = "path", paramLabel = "NAME", description = "The --input column of paths (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The Parquet folder to write (or resume).")
    String output;

    @Option(names = "--chunk", defaultValue = "10000", paramLabel = "N",
            description = "Items per output partition, the unit of resumption (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks per chunk (default: the default parallelism).")
    Integer partitions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        return options.run("jclip spark embed", spark -> {
            List<String> items = input.images != null ? Inputs.imageFiles(spark, input.images)
                    : input.paths != null ? Inputs.lines(spark, input.paths)
                    : input.texts != null ? Inputs.lines(spark, input.texts)
                    : Inputs.parquetColumn(spark, input.input, column);
            int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            EmbedJob.Kind kind = input.texts != null ? EmbedJob.Kind.TEXTS : EmbedJob.Kind.IMAGES;
            long t0 = System.nanoTime();
            EmbedJob.Summary s = new EmbedJob(spark, options.model(), chunk, parts).run(kind, items, output);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf("embedded %d of %d items into %s (%d chunks written, %d already there) in %.1f s%s%n", s.rows() - s.failed(),
                    items.size(), output, s.chunksWritten(), s.chunksSkipped(), seconds,
                    s.failed() > 0 ? "; " + s.failed() + " failed (their rows say why in the error column)" : "");
            if (s.failed() > 0) {
                err.println("jclip spark embed: " + s.failed() + " items failed");
            }
            return s.failed() > 0 ? 1 : 0;
        });
    }
}
