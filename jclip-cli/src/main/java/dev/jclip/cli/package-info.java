/**
 * The {@code jclip} command line ({@link dev.jclip.cli.Main}, on picocli): one command per task,
 * each a thin layer over the library modules (embed, classify, index and search, train and eval,
 * serve, tokenize, preprocess, forward for parity checks, and benchmarks). Options are parsed and
 * checked here; user errors end with one line on stderr and a non-zero exit code.
 */
package dev.jclip.cli;
