package dev.jclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jclip bench ...}: micro and end-to-end benchmarks that print one result line last. */
@Command(name = "bench", description = "Benchmarks (last line is the result).",
        subcommands = {BenchEmbedCommand.class, BenchEncodeCommand.class, BenchGemmCommand.class, BenchPeakCommand.class,
            TrainBenchCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
