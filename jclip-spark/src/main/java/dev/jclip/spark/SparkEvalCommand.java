package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.ZeroShotResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip spark eval}: {@link ZeroShotJob} ({@code --dataset DIR}), printed as {@code jclip eval
 * zeroshot} prints it (the report, then {@code zeroshot dataset=NAME top1=X top5=Y images=N}), or
 * {@link RetrievalJob} ({@code --retrieval DATA}), printed as {@code jclip eval retrieval} prints it
 * (then {@code retrieval data=NAME i2t_r1=X t2i_r1=Y pairs=N}). Exits 1 when some image could not be
 * read (left out of the figures).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Zero-shot classification of a folder of class subfolders (top-1/top-5, per class, confusion matrix), "
                + "or image-text retrieval recall@1/5/10 both ways.",
            "Last line: zeroshot dataset=NAME top1=X top5=Y images=N, or retrieval data=NAME i2t_r1=X t2i_r1=Y pairs=N"})
final class SparkEvalCommand implements Callable<Integer> {
    static final class Data {
        @Option(names = "--dataset", paramLabel = "DIR", description = "Zero-shot: a folder with one subfolder of images per class.")
        String dataset;

        @Option(names = "--retrieval", paramLabel = "DATA",
                description = "Retrieval: a local CSV/TSV of image_path,caption (as jclip eval retrieval reads it), WebDataset shards "
                        + "(a pattern with .tar, { or *), or Parquet with --column and --caption-column.")
        String retrieval;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Data data;

    @Mixin
    SparkOptions options;

    @Option(names = "--templates", paramLabel = "FILE",
            description = "Zero-shot prompt templates with {}: one per line, or JSON with a \"templates\" array (default: the library's short set).")
    String templates;

    @Option(names = "--column", defaultValue = "path", paramLabel = "NAME", description = "Parquet retrieval data: the image paths (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = "--caption-column", defaultValue = "caption", paramLabel = "NAME",
            description = "Parquet retrieval data: the captions (default: ${DEFAULT-VALUE}).")
    String captionColumn;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks (default: the default parallelism).")
    Integer partitions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (data.retrieval != null && templates != null) {
            throw new IllegalArgumentException("--templates is for zero-shot classification (--dataset)");
        }
        return options.run("jclip spark eval", spark -> {
            int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            long failed;
            if (data.dataset != null) {
                List<String> t = templates != null ? Templates.read(templates, spark.sparkContext().hadoopConfiguration())
                        : ClipModel.DEFAULT_TEMPLATES;
                ZeroShotJob.Outcome o = ZeroShotJob.run(spark, options.model(), data.dataset, t, parts);
                ZeroShotResult r = o.result();
                out.print(r.format(o.classNames()));
                out.printf(Locale.ROOT, "probabilities: %s%n", o.kind().description());
                out.printf(Locale.ROOT, "zeroshot dataset=%s top1=%.4f top5=%.4f images=%d%n", data.dataset, r.top1(), r.top5(), r.count());
                failed = o.failed();
            } else {
                String d = data.retrieval;
                String lower = d.toLowerCase(Locale.ROOT);
                RetrievalJob.Outcome o = lower.endsWith(".csv") || lower.endsWith(".tsv")
                        ? RetrievalJob.ofCsv(spark, options.model(), java.nio.file.Path.of(d), parts)
                        : d.contains("{") || d.contains("*") || lower.endsWith(".tar") || lower.endsWith(".tar.gz") || lower.endsWith(".tgz")
                        ? RetrievalJob.ofShards(spark, options.model(), Inputs.shards(spark, d), parts)
                        : parquet(spark, d, parts);
                RetrievalResult r = o.result();
                out.print(r.format());
                out.printf(Locale.ROOT, "retrieval data=%s i2t_r1=%.4f t2i_r1=%.4f pairs=%d%n", d, r.imageToTextR1(),
                        r.textToImageR1(), r.images());
                failed = o.failed();
            }
            if (failed > 0) {
                err.println("jclip spark eval: " + failed + " images could not be read and were left out");
            }
            return failed > 0 ? 1 : 0;
        });
    }

    private RetrievalJob.Outcome parquet(org.apache.spark.sql.SparkSession spark, String file, int parts) {
        Inputs.Captioned in = Inputs.parquetColumns(spark, file, column, captionColumn);
        return RetrievalJob.ofPaths(spark, options.model(), in.items(), in.captions(), parts);
    }
}
