package dev.jclip.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code jclip} command: one subcommand per task. User errors (bad options,
 * bad input, unreadable files) end with one line on stderr and a non-zero exit
 * code; the stack trace is printed only with {@code --debug} or {@code JCLIP_DEBUG=1}.
 */
@Command(name = "jclip", mixinStandardHelpOptions = true, version = "jclip 0.1.0",
        description = "CLIP in pure Java: run, embed, search and train.",
        subcommands = {
            BenchCommand.class,
            ClassifyCommand.class,
            EmbedCommand.class,
            ForwardCommand.class,
            IndexCommand.class,
            PreprocessCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            TokenizeCommand.class,
            TrainCommand.class,
            DemoCommand.class,
            EvalCommand.class,
        })
public final class Main implements Runnable {
    /** Exit code of a user error found while running (bad input, unreadable file). */
    static final int USER_ERROR = 1;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The configured command line: picocli with jclip's error reporting. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cmd = new CommandLine(main);
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine sub = e.getCommandLine();
            sub.getErr().println("jclip: " + e.getMessage() + " (see '" + sub.getCommandSpec().qualifiedName() + " --help')");
            if (main.debugging(sub)) {
                e.printStackTrace(sub.getErr());
            }
            return sub.getCommandSpec().exitCodeOnInvalidInput();
        });
        cmd.setExecutionExceptionHandler((e, sub, parseResult) -> {
            boolean userError = e instanceof IllegalArgumentException || e instanceof IOException
                    || e instanceof UncheckedIOException;
            if (!userError || main.debugging(sub)) {
                throw e;   // picocli prints the stack trace
            }
            sub.getErr().println("jclip: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return USER_ERROR;
        });
        return cmd;
    }

    /** True with {@code --debug} on the command line or {@code JCLIP_DEBUG=1} in the environment. */
    private boolean debugging(CommandLine sub) {
        return debug || "1".equals(System.getenv("JCLIP_DEBUG"))
                || sub.getParseResult() != null && sub.getParseResult().hasMatchedOption("--debug");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
