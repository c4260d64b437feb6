package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.kernel.Gelu;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of every command that runs a model: the model, its vocabulary and activation, batching and decoding threads. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "PATH",
            description = "Model: a safetensors file, an OpenCLIP folder or a Hugging Face folder.")
    Path model;

    @Option(names = "--vocab", paramLabel = "PATH",
            description = "Tokenizer vocabulary (" + ClipTokenizer.ORIGINAL_FILE + ", or Hugging Face vocab.json/merges.txt "
                    + "or their folder); default: the one beside the model.")
    Path vocab;

    @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
            description = ActivationConverter.HELP)
    Gelu activation;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + ClipModel.DEFAULT_BATCH,
            description = "Inputs per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--decode-threads", paramLabel = "N",
            description = "Threads decoding images ahead of the encoder (default: a quarter of the cores, at least 2).")
    Integer decodeThreads;

    /** Loads {@code --model} (required here); with {@code text}, a tokenizer must come with it. */
    ClipModel load(boolean text) throws IOException {
        return load(model, vocab, text);
    }

    /** Loads {@code path} with {@code vocab} (null: beside the model); with {@code text}, a tokenizer must come with it. */
    ClipModel load(Path path, Path vocab, boolean text) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("give the model with --model PATH");
        }
        ClipModel m = ClipModel.load(path, vocab, activation).withBatchSize(checkBatch("--batch", batch));
        if (text && !m.hasTokenizer()) {
            try {
                m.tokenizer();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return m;
    }

    /** The one check of every batch-size option ({@code --batch}, {@code --batch-size}): at least 1; returns {@code value}. */
    static int checkBatch(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }

    int decodeThreads() {
        if (decodeThreads != null && decodeThreads < 1) {
            throw new IllegalArgumentException("--decode-threads must be at least 1, got " + decodeThreads);
        }
        return decodeThreads != null ? decodeThreads : Math.max(2, Runtime.getRuntime().availableProcessors() / 4);
    }
}
