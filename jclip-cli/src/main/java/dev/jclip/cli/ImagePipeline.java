package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.data.Prefetcher;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Embeds image files in order. Decoding and preprocessing run on worker threads (jclip-data's
 * {@link Prefetcher}) up to two batches ahead of the encoder, so the encoder rarely waits and memory
 * stays bounded; the encoder takes full batches, never single images. An unreadable image is
 * reported on stderr and skipped; the run goes on.
 */
final class ImagePipeline {
    /** Receives each embedded image, in input order. */
    interface Sink {
        void accept(Path file, float[] embedding) throws IOException;
    }

    /** How many images were embedded and how many were skipped as unreadable. */
    record Result(int embedded, int failed) {}

    private final ClipModel model;
    private final int decodeThreads;
    private final PrintWriter err;
    private final String command;

    /** {@code command} prefixes the reports ({@code jclip embed: skipped ...}). */
    ImagePipeline(ClipModel model, int decodeThreads, PrintWriter err, String command) {
        this.model = model;
        this.decodeThreads = decodeThreads;
        this.err = err;
        this.command = command;
    }

    Result run(List<Path> files, Sink sink, Progress progress) throws IOException {
        int batch = model.batchSize();
        int window = Math.max(2 * batch, decodeThreads);
        int embedded = 0, failed = 0;
        List<Path> names = new ArrayList<>(batch);
        List<Tensor> images = new ArrayList<>(batch);
        try (Stream<Preprocessed> decoded = Prefetcher.map(files.stream(), f -> Preprocessed.of(model.preprocessor(), f),
                decodeThreads, window)) {
            Iterator<Preprocessed> it = decoded.iterator();
            while (it.hasNext()) {
                Preprocessed d = it.next();
                if (d.error() != null) {
                    err.println(command + ": skipped " + d.error());
                    err.flush();
                    failed++;
                    progress.advance(1);
                    continue;
                }
                names.add(d.file());
                images.add(d.image());
                if (images.size() == batch) {
                    embedded += encode(names, images, sink, progress);
                }
            }
            if (!images.isEmpty()) {
                embedded += encode(names, images, sink, progress);
            }
        }
        progress.finish();
        return new Result(embedded, failed);
    }

    private int encode(List<Path> names, List<Tensor> images, Sink sink, Progress progress) throws IOException {
        float[][] emb = model.embedPreprocessed(images);
        for (int i = 0; i < emb.length; i++) {
            sink.accept(names.get(i), emb[i]);
        }
        progress.advance(emb.length);
        int n = emb.length;
        names.clear();
        images.clear();
        return n;
    }
}
