package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.eval.ZeroShotResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip spark eval --dataset DIR}: {@link ZeroShotJob}, printed as {@code jclip eval zeroshot}
 * prints it (the report, then {@code zeroshot dataset=NAME top1=X top5=Y images=N}). Exits 1 when
 * some image could not be read (left out of the figures).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Zero-shot classification of a folder of class subfolders: top-1/top-5, per class, confusion matrix.",
            "Last line: zeroshot dataset=NAME top1=X top5=Y images=N"})
final class SparkEvalCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "A folder with one subfolder of images per class.")
    String dataset;

    @Option(names = "--templates", split = "\\|", paramLabel = "T", description = "Prompt templates with {}, |-separated (default: the library's short set).")
    List<String> templates;

    @Mixin
    SparkOptions options;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks (default: the default parallelism).")
    Integer partitions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        return options.run("jclip spark eval", spark -> {
            int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            ZeroShotJob.Outcome o = ZeroShotJob.run(spark, options.model(), dataset,
                    templates != null ? templates : ClipModel.DEFAULT_TEMPLATES, parts);
            ZeroShotResult r = o.result();
            out.print(r.format(o.classNames()));
            String name = new Path(dataset).getName();
            out.printf(Locale.ROOT, "zeroshot dataset=%s top1=%.4f top5=%.4f images=%d%n", name, r.top1(), r.top5(), r.count());
            if (o.failed() > 0) {
                err.println("jclip spark eval: " + o.failed() + " images could not be read and were left out");
            }
            return o.failed() > 0 ? 1 : 0;
        });
    }
}
