package dev.jclip.cli;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.Utf8Reader;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.text.TokenBatch;
import dev.jclip.text.hf.HfEncoding;
import dev.jclip.text.hf.HfTokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip tokenize}: CLIP token ids for texts, one JSON string per input line, one
 * {@code {"ids":[...],"truncated":false}} per output line (ids padded to the context length). With
 * {@code --tokenizer}, a Hugging Face tokenizer.json encodes instead, with the truncation and
 * padding that file configures.
 */
@Command(name = "tokenize",
        description = "Tokenize texts (a JSON string per line) into CLIP token ids (a JSON object per line).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", paramLabel = "PATH",
            description = "Vocabulary: " + ClipTokenizer.ORIGINAL_FILE + ", or a Hugging Face vocab.json or merges.txt "
                    + "(the other beside it), or a folder holding them.")
    Path vocab;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "A Hugging Face tokenizer.json instead of CLIP's BPE; its own truncation and padding apply "
                    + "(no --context, --truncate, --vocab or --model).")
    Path tokenizerJson;

    @Option(names = "--model", paramLabel = "PATH",
            description = "A model file or folder: without --vocab, the vocabulary is looked for beside it.")
    Path model;

    @Option(names = "--context", paramLabel = "N", defaultValue = "77",
            description = "Context length: ids per output line, start and end tokens included (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--truncate", description = "Cut texts longer than the context (the end token stays last) instead of failing.")
    boolean truncate;

    @Option(names = "--input", paramLabel = "IN.jsonl", required = true, description = "One JSON string per line.")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.jsonl", required = true, description = "Written with one JSON object per input line.")
    Path output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            int[] counts = tokenizeFile(encoder());
            spec.commandLine().getOut().printf("tokenized %d texts (%d truncated) into %s%n", counts[0], counts[1], output);
            return 0;
        } catch (IllegalArgumentException | Utf8Reader.InvalidUtf8Exception e) {
            spec.commandLine().getErr().println("jclip tokenize: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            spec.commandLine().getErr().println("jclip tokenize: " + e);
            return 1;
        }
    }

    /** Encodes one text into its output ids and whether they were truncated. */
    private Function<String, HfEncoding> encoder() throws IOException {
        if (tokenizerJson == null) {
            ClipTokenizer tokenizer = tokenizer(vocab, model);
            if (context < 2) {
                throw new IllegalArgumentException("--context must be at least 2 (start and end tokens), got " + context);
            }
            return text -> {
                TokenBatch batch = tokenizer.tokenize(List.of(text), context, truncate);
                return new HfEncoding(batch.ids()[0], batch.truncated()[0]);
            };
        }
        for (String option : List.of("--context", "--truncate", "--vocab", "--model")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply with --tokenizer (the file configures truncation and padding)");
            }
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " does not exist");
        }
        return HfTokenizer.load(tokenizerJson)::encodeChecked;
    }

    /** The tokenizer from {@code --vocab}, or else from beside {@code --model}; a clear error when neither gives one. */
    static ClipTokenizer tokenizer(Path vocab, Path model) {
        if (vocab != null) {
            return ClipTokenizer.load(vocab);
        }
        if (model != null) {
            if (!Files.exists(model)) {
                throw new IllegalArgumentException("model " + model + " does not exist");
            }
            Path folder = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
            try {
                return ClipTokenizer.load(folder);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("no vocabulary beside the model (" + e.getMessage() + "); give one with --vocab PATH", e);
            }
        }
        throw new IllegalArgumentException("no vocabulary: give --vocab PATH (" + ClipTokenizer.ORIGINAL_FILE
                + " from OpenAI's CLIP, or a Hugging Face folder with vocab.json and merges.txt), or --model PATH with one beside it");
    }

    /** Tokenizes line by line into a temporary file that replaces the output at the end; returns texts and truncated texts. */
    private int[] tokenizeFile(Function<String, HfEncoding> tokenizer) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, output.getFileName().toString(), ".partial");
        int texts = 0;
        int truncated = 0;
        try (Utf8Reader in = Utf8Reader.open(input);
                BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                texts++;
                String where = input + " line " + texts + ": ";
                String text = text(line, where);
                HfEncoding encoded;
                try {
                    encoded = tokenizer.apply(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage(), e);
                }
                ObjectNode row = CliJson.MAPPER.createObjectNode();
                ArrayNode ids = row.putArray("ids");
                for (int id : encoded.ids()) {
                    ids.add(id);
                }
                row.put("truncated", encoded.truncated());
                truncated += encoded.truncated() ? 1 : 0;
                out.write(CliJson.line(row));
                out.write('\n');
            }
        } catch (IllegalArgumentException | IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
        return new int[] {texts, truncated};
    }

    private static String text(String line, String where) throws IOException {
        JsonNode node;
        try {
            node = CliJson.MAPPER.readTree(line);
        } catch (StreamReadException e) {
            throw new IllegalArgumentException(where + "malformed JSON at column " + e.getLocation().getColumnNr() + CliJson.detail(e), e);
        }
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(where + "expected a JSON string, got " + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType()));
        }
        return node.textValue();
    }
}
