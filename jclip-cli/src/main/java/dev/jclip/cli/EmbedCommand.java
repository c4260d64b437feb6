package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.data.Utf8Reader;
import dev.jclip.image.ImageExtensions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip embed --model PATH (--images DIR|FILE... | --texts FILE) --output X.npy}: unit-length
 * embeddings as a float32 {@code [N, D]} {@code .npy} file, and beside it {@code X.txt} with the
 * item of each row (the image's path or the text). Folders are walked recursively in sorted order;
 * texts are the non-blank lines of the file, cut to the context length when too long. An unreadable
 * image is reported and skipped; the exit code is then 1.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed images or texts into a .npy file of unit-length rows (and a .txt of the items).")
final class EmbedCommand implements Callable<Integer> {
    /** What to embed: images or texts. */
    static final class Input {
        @Option(names = "--images", arity = "1..*", paramLabel = "DIR|FILE", description = "Image files or folders (walked recursively).")
        List<Path> images;

        @Option(names = "--texts", paramLabel = "FILE", description = "A UTF-8 text file: one text per line (blank lines skipped).")
        Path texts;
    }

    @Mixin
    ModelOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "X.npy", description = "The .npy file to write; X.txt lists the items.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path txt = itemsFile(output);
        ClipModel model = options.load(input.texts != null);
        List<String> items = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int failed = 0;
        if (input.texts != null) {
            List<String> texts = texts(input.texts);
            Progress progress = Progress.onTerminal(err, texts.size(), 0, "items");
            for (int start = 0; start < texts.size(); start += model.batchSize()) {
                List<String> batch = texts.subList(start, Math.min(texts.size(), start + model.batchSize()));
                rows.addAll(List.of(model.embedTexts(batch)));
                items.addAll(batch);
                progress.advance(batch.size());
            }
            progress.finish();
        } else {
            List<Path> files = ImageFiles.list(input.images);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no images (" + String.join(", ", ImageExtensions.ALL) + ") in " + input.images);
            }
            ImagePipeline pipeline = new ImagePipeline(model, options.decodeThreads(), err, "jclip embed");
            ImagePipeline.Result r = pipeline.run(files, (file, emb) -> {
                items.add(file.toString());
                rows.add(emb);
            }, Progress.onTerminal(err, files.size(), 0, "items"));
            failed = r.failed();
        }
        if (rows.isEmpty()) {
            err.println("jclip embed: nothing could be embedded (" + failed + " failed); " + output + " not written");
            return 1;
        }
        write(rows, items, output, txt, model.dimension());
        out.println("embedded " + rows.size() + " " + (input.texts != null ? "texts" : "images") + " into " + output + " ["
                + rows.size() + "," + model.dimension() + "] and " + txt + (failed > 0 ? "; " + failed + " failed" : ""));
        return failed > 0 ? 1 : 0;
    }

    /** {@code X.txt} beside {@code X.npy}. */
    static Path itemsFile(Path npy) {
        String name = npy.getFileName().toString();
        if (!name.endsWith(".npy") || name.length() == 4) {
            throw new IllegalArgumentException("--output must be a file name ending in .npy, got " + npy);
        }
        return npy.resolveSibling(name.substring(0, name.length() - 4) + ".txt");
    }

    private static List<String> texts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("texts file " + file + " does not exist");
        }
        List<String> texts = Utf8Reader.readLines(file).stream().filter(l -> !l.isBlank()).toList();
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts file " + file + " has no text (one per line)");
        }
        return texts;
    }

    private static void write(List<float[]> rows, List<String> items, Path npy, Path txt, int d) throws IOException {
        long n = (long) rows.size() * d;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows.size() + " embeddings of " + d + " floats do not fit one .npy array here; embed in parts");
        }
        float[] flat = new float[(int) n];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * d, d);
        }
        Npy.write(npy, flat, rows.size(), d);
        Files.writeString(txt, String.join("\n", items) + "\n", StandardCharsets.UTF_8);
    }
}
