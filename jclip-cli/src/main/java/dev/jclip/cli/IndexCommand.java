package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.index.IndexSummary;
import dev.jclip.index.VectorIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip index --model PATH --images DIR... --index DIR}: embeds images into a persistent
 * vector index, stored under their absolute paths with size and modification time. Re-running
 * embeds only new or changed files, and forgets indexed files under the given folders that are
 * gone. The index records the model id and refuses another model; the model's and vocabulary's
 * paths are kept beside it ({@value IndexInfo#FILE}) for {@code jclip search}, and a re-run without
 * {@code --model} or {@code --vocab} keeps them. An existing index is checked against its checksums
 * before anything is added; {@code jclip index --verify --index DIR} checks everything and changes
 * nothing.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Embed images into a persistent vector index (re-runs add only new or changed files), or check one (--verify).",
            "From the Parquet output of 'jclip spark embed': ./jclip index --from-parquet DIR --index DIR --model PATH (run by jclip spark index)."})
final class IndexCommand implements Callable<Integer> {
    /** Commit to disk every so many new vectors, so an interrupted run keeps most of its work. */
    private static final int COMMIT_EVERY = 1024;

    @Mixin
    ModelOptions options;

    @Option(names = "--images", arity = "1..*", paramLabel = "DIR|FILE",
            description = "Image files or folders (walked recursively).")
    List<Path> images;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder (created if missing).")
    Path index;

    @Option(names = "--verify", description = "Check every file and item of the index (Lucene's CheckIndex, then every "
            + "vector) and " + IndexInfo.FILE + "; change nothing. Takes no --images, --model or --vocab.")
    boolean verify;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        LuceneLog.quiet();
        if (verify) {
            if (images != null || options.model != null || options.vocab != null) {
                throw new IllegalArgumentException("--verify checks the index and changes nothing: give it without --images, --model and --vocab");
            }
            IndexSummary s = VectorIndex.verify(index);
            IndexInfo info = IndexInfo.read(index);
            out.println(index + " is intact: " + s.items() + " items of model " + s.modelId() + " (" + s.dimension()
                    + " dimensions) in " + s.segments() + (s.segments() == 1 ? " segment, " : " segments, ") + s.bytes() + " bytes checked"
                    + (info == null ? "; " + IndexInfo.FILE + " is missing (search needs --model)" : ""));
            return 0;
        }
        if (images == null) {
            throw new IllegalArgumentException("give the images to index with --images (or --verify to check the index)");
        }
        List<Path> roots = images.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        List<Path> files = ImageFiles.list(roots);
        // What this run is not told, it keeps from what the last run recorded.
        IndexInfo recorded = options.model != null && options.vocab != null ? null : IndexInfo.read(index);
        Path vocab = options.vocab != null ? options.vocab : recorded != null ? recorded.vocab() : null;
        String name = options.model != null ? options.model : recorded != null ? recorded.model() : null;
        String tag = options.model != null ? options.pretrained : recorded != null ? recorded.pretrained() : null;
        ClipModel model = options.load(name, tag, vocab, false);
        try (VectorIndex idx = VectorIndex.open(index, model.id(), model.dimension())) {
            new IndexInfo(name, tag, vocab).write(index);
            int removed = idx.deleteIf(e -> {
                Path p = Path.of(e.path());
                return roots.stream().anyMatch(p::startsWith) && !Files.exists(p);
            });
            Map<Path, BasicFileAttributes> attrs = new HashMap<>();
            List<Path> todo = new ArrayList<>();
            for (Path f : files) {
                BasicFileAttributes a = Files.isRegularFile(f) ? Files.readAttributes(f, BasicFileAttributes.class) : null;
                // A missing file goes on to the pipeline, which reports it.
                if (a == null || idx.needsUpdate(f.toString(), a.size(), a.lastModifiedTime().toMillis())) {
                    attrs.put(f, a);
                    todo.add(f);
                }
            }
            int[] added = {0};
            ImagePipeline pipeline = new ImagePipeline(model, options.decodeThreads(), err, "jclip index");
            ImagePipeline.Result r = pipeline.run(todo, (file, emb) -> {
                BasicFileAttributes a = attrs.get(file);
                idx.upsert(file.toString(), a.size(), a.lastModifiedTime().toMillis(), emb);
                if (++added[0] % COMMIT_EVERY == 0) {
                    idx.commit();
                }
            }, Progress.onTerminal(err, todo.size(), 0, "items"));
            idx.commit();
            out.println("indexed " + r.embedded() + " new or changed images (" + (files.size() - todo.size()) + " unchanged, "
                    + removed + " removed" + (r.failed() > 0 ? ", " + r.failed() + " failed" : "") + "); " + index + " holds "
                    + idx.size() + " images of model " + model.id());
            return r.failed() > 0 ? 1 : 0;
        }
    }
}
