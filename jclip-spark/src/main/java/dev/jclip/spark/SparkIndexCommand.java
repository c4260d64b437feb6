package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip spark index --from-parquet DIR --index DIR --model PATH}: {@link ParquetIndex}, so a
 * cluster's embeddings feed {@code jclip search} and {@code jclip serve}. {@code ./jclip index
 * --from-parquet ...} runs this command (the CLI's own jar carries no Parquet reader).
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build (or add to) a jclip index from the Parquet output of 'jclip spark embed'.")
final class SparkIndexCommand implements Callable<Integer> {
    @Option(names = "--from-parquet", required = true, paramLabel = "DIR", description = "The output folder of jclip spark embed.")
    String parquet;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder (created if missing).")
    Path index;

    @Mixin
    SparkOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path modelPath = Path.of(options.model), vocab = options.vocab != null ? Path.of(options.vocab) : null;
        ClipModel model = ClipModel.load(modelPath, vocab);
        return options.run("jclip spark index", spark -> {
            ParquetIndex.Summary s = ParquetIndex.build(spark, parquet, index, model.id(), model.dimension(), modelPath, vocab);
            out.println("indexed " + s.indexed() + " items from " + parquet + (s.skipped() > 0 ? " (" + s.skipped()
                    + " error rows skipped)" : "") + "; " + index + " holds " + s.size() + " items of model " + model.id());
            return 0;
        });
    }
}
