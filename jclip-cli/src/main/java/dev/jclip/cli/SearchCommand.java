package dev.jclip.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.api.ClipModel;
import dev.jclip.index.Hit;
import dev.jclip.index.VectorIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip search --index DIR (--text "..." | --image FILE) [--k 10] [--json] [--exact]}: the
 * indexed images nearest to a text or an image, best first, with their cosine similarity. The
 * query is embedded with the model that built the index (its path is kept in the index folder;
 * {@code --model} overrides it, and the index refuses a model with another id).
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search an index built by 'jclip index' with a text or an image.")
final class SearchCommand implements Callable<Integer> {
    /** The query: a text or an image. */
    static final class Query {
        @Option(names = "--text", paramLabel = "TEXT", description = "A text query.")
        String text;

        @Option(names = "--image", paramLabel = "FILE", description = "An image query.")
        Path image;
    }

    @Mixin
    ModelOptions options;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path index;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "Results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--json", description = "One JSON line: {\"query\":Q,\"results\":[{\"path\":P,\"score\":S},...]}.")
    boolean json;

    @Option(names = "--exact", description = "Score every indexed vector instead of walking the HNSW graph.")
    boolean exact;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1, got " + k);
        }
        if (!Files.isDirectory(index)) {
            throw new IllegalArgumentException("no index at " + index + ": build one first (jclip index)");
        }
        PrintWriter out = spec.commandLine().getOut();
        LuceneLog.quiet();
        String modelPath = options.model, tag = options.pretrained;
        Path vocab = options.vocab;
        if (modelPath == null) {
            IndexInfo info = IndexInfo.read(index);
            if (info == null) {
                throw new IllegalArgumentException("the index at " + index + " does not say which model built it ("
                        + IndexInfo.FILE + " is missing): give --model");
            }
            modelPath = info.model();
            tag = info.pretrained();
            vocab = vocab != null ? vocab : info.vocab();
        }
        ClipModel model = options.load(modelPath, tag, vocab, query.text != null);
        try (VectorIndex idx = VectorIndex.openForSearch(index, model.id())) {
            float[] q = query.text != null ? model.embedText(query.text) : model.embedImage(query.image);
            List<Hit> hits = exact ? idx.searchExact(q, k) : idx.search(q, k);
            String label = query.text != null ? query.text : query.image.toString();
            if (json) {
                ObjectNode line = CliJson.MAPPER.createObjectNode();
                line.put("query", label);
                ArrayNode results = line.putArray("results");
                for (Hit h : hits) {
                    results.addObject().put("path", h.path()).put("score", h.score());
                }
                out.println(CliJson.line(line));
            } else {
                for (Hit h : hits) {
                    out.printf(Locale.ROOT, "%.4f  %s%n", h.score(), h.path());
                }
            }
        }
        return 0;
    }
}
