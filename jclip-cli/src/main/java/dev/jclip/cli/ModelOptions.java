package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Gelu;
import dev.jclip.hub.HubClient;
import dev.jclip.hub.HubModel;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of every command that runs a model: the model, its vocabulary and activation, batching and decoding threads. */
final class ModelOptions {
    /** The help of every {@code --model} that loads a model for inference. */
    static final String MODEL_HELP = "Model: a safetensors file, an OpenCLIP or Hugging Face folder, or a hub name: "
            + "hf-hub:org/name (open_clip), org/name (transformers), optionally @revision, found in the Hugging Face cache "
            + "or downloaded into it; or a preset name with --pretrained.";
    /** The help of {@code --pretrained}. */
    static final String PRETRAINED_HELP = "An open_clip pretrained tag of the preset --model, as open_clip names them "
            + "(e.g. --model ViT-B-32 --pretrained laion2b_s34b_b79k), or a safetensors file of that preset.";

    @Option(names = "--model", paramLabel = "MODEL", description = MODEL_HELP)
    String model;

    @Option(names = "--pretrained", paramLabel = "TAG", description = PRETRAINED_HELP)
    String pretrained;

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
        return load(model, pretrained, vocab, text);
    }

    /**
     * Loads {@code model} (a path or hub name, with its pretrained {@code tag} when not null) with
     * {@code vocab} (null: the model's); with {@code text}, a tokenizer must come with it.
     */
    ClipModel load(String model, String tag, Path vocab, boolean text) throws IOException {
        ClipModel m = load(model, tag, vocab, activation).withBatchSize(checkBatch("--batch", batch));
        if (text && !m.hasTokenizer()) {
            try {
                m.tokenizer();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return m;
    }

    /** Loads {@code model} by path or hub name, or as the preset {@code model} with its pretrained {@code tag} (when not null). */
    static ClipModel load(String model, String tag, Path vocab, Gelu activation) throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("give the model with --model");
        }
        HubClient hub = HubClient.fromEnvironment();
        return tag != null ? ClipModel.load(HubModel.pretrained(model, tag, hub), vocab, activation)
                : ClipModel.load(model, vocab, activation, hub);
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
