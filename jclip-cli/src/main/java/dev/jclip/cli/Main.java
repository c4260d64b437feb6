package dev.jclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jclip} command: one subcommand per task. */
@Command(name = "jclip", mixinStandardHelpOptions = true, version = "jclip 0.1.0",
        description = "CLIP in pure Java: run, embed, search and train.",
        subcommands = {
            BenchCommand.class,
            ForwardCommand.class,
            PreprocessCommand.class,
            TokenizeCommand.class,
            TrainCommand.class,
        })
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
