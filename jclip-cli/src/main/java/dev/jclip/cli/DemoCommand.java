package dev.jclip.cli;

import dev.jclip.demo.Demo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jclip demo [shapes|fashion-mnist]}: trains a small CLIP from scratch with a tuned recipe,
 * evaluates it zero-shot and writes {@code OUTPUT/report.html}. The last line is
 * {@code demo=NAME zeroshot_top1=X retrieval_r1=Y minutes=Z} (shapes adds {@code heldout_top1=H}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a small CLIP from scratch, evaluate it zero-shot and write a self-contained report.html.",
            "Last line: demo=NAME zeroshot_top1=X retrieval_r1=Y minutes=Z (shapes adds heldout_top1=H)."})
final class DemoCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", defaultValue = "shapes",
            description = "shapes (default: a few minutes) or fashion-mnist (20 minutes).")
    String name;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST's IDX files (plain or .gz; default /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--output", paramLabel = "DIR", description = "Where the report, log and model go (default: demo-NAME).")
    Path output;

    @Option(names = "--minutes", paramLabel = "M", description = "End-to-end time budget (default: the recipe's, 5 or 20).")
    Double minutes;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "Train exactly N steps instead of until the time budget (the same result every run).")
    long steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the data, the initialization and the order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--model-config", paramLabel = "JSON",
            description = "Override the recipe's model (OpenCLIP JSON; its vocab_size is replaced by the learned tokenizer's).")
    String modelConfig;

    @Option(names = "--batch-size", paramLabel = "B", description = "Override the recipe's batch size.")
    Integer batchSize;

    @Option(names = "--lr", description = "Override the recipe's peak learning rate.")
    Double lr;

    @Option(names = "--wd", description = "Override the recipe's weight decay.")
    Double wd;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Override the recipe's warm-up steps.")
    Long warmup;

    @Option(names = "--eval-every", paramLabel = "STEPS", description = "Steps between evaluations on the small sets.")
    Long evalEvery;

    @Option(names = "--eval-images", paramLabel = "N", description = "Images of the small zero-shot set evaluated during training.")
    Integer evalImages;

    @Option(names = "--eval-pairs", paramLabel = "N", description = "Pairs of the small retrieval set evaluated during training.")
    Integer evalPairs;

    @Option(names = "--final-images", paramLabel = "N", description = "Images of the final zero-shot evaluation.")
    Integer finalImages;

    @Option(names = "--final-pairs", paramLabel = "N", description = "Pairs of the final retrieval evaluation.")
    Integer finalPairs;

    @Option(names = "--size-dropout", paramLabel = "P",
            description = "shapes: probability that a training caption leaves out the sizes (recipe: 0.5).")
    Double sizeDropout;

    @Option(names = "--grey", paramLabel = "P",
            description = "shapes: probability that a training image is shown in grey, its caption naming no colour (recipe: 0.25).")
    Double grey;

    @Option(names = "--two-shapes", paramLabel = "P",
            description = "shapes: fraction of the two-shape training images used (recipe: 0, single shapes only).")
    Double twoShapes;

    @Option(names = "--loss", paramLabel = "NAME",
            description = "contrastive (the recipe's: CLIP's softmax loss) or siglip (SigLIP's sigmoid loss, with a learned logit_bias).")
    TrainCommand.LossName loss;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Demo.Overrides o = new Demo.Overrides(minutes, modelConfig == null ? null : ModelConfigArg.parse(modelConfig),
                batchSize, lr, wd, warmup, evalEvery, evalImages, evalPairs, finalImages, finalPairs, sizeDropout, twoShapes, grey,
                loss == null ? null : loss.loss);
        Path out = output != null ? output : Path.of("demo-" + name);
        PrintWriter stdout = spec.commandLine().getOut();
        String last = Demo.run(name, data, out, seed, steps, o, spec.commandLine().getErr(), stdout, start);
        stdout.println(last);
        stdout.flush();
        return 0;
    }
}
