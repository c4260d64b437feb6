package dev.jclip.spark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jclip spark ...}: jclip's Spark jobs from the command line, in local mode
 * ({@code --master local[N]}) or under {@code spark-submit} (which sets the master). A main class
 * of its own rather than a subcommand of {@code jclip}, so that the CLI's jar does not carry Spark.
 */
@Command(name = "jclip spark", mixinStandardHelpOptions = true, subcommands = {SparkEmbedCommand.class, SparkEvalCommand.class, SparkIndexCommand.class},
        description = "Run jclip on Apache Spark.")
public final class SparkMain {
    private SparkMain() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new SparkMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("jclip spark: " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }
}
