package dev.jclip.cli;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Parallel;
import dev.jclip.image.BadImageException;
import dev.jclip.model.ClipConfig;
import dev.jclip.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jclip bench embed}: end-to-end images per second of the embedding pipeline (read, decode,
 * preprocess on worker threads, encode in batches) next to the encoder alone on already
 * preprocessed images, in the same JVM. The first two batches are read and preprocessed on one
 * thread (timed, printed). After a warm-up batch, the encoder encodes as many images
 * as the folder holds (cycling through the first two batches, preprocessed beforehand), then the
 * pipeline embeds the folder. The last line is
 * {@code embed images=N images_per_s=X encoder_images_per_s=Y ratio=X/Y}.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Images per second of the embed pipeline vs the encoder alone.")
final class BenchEmbedCommand implements Callable<Integer> {
    @Mixin
    PresetOption preset;

    @Mixin
    ModelOptions options;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "A folder of images (walked recursively).")
    Path images;

    @Option(names = "--threads", paramLabel = "N", description = "Encoder threads (default: available processors).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of random weights.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = ImageFiles.list(List.of(images));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images in " + images);
        }
        preset.requireOneOf(options.model);
        ClipModel model = preset.preset != null
                ? ClipModel.of(preset.random(seed), null, preset.preset + " random seed " + seed).withBatchSize(options.batch)
                : options.load(false);
        if (threads != null) {
            model = model.withParallel(Parallel.of(threads));
        }
        ClipConfig config = model.config();
        int batch = model.batchSize(), n = files.size();
        out.printf(Locale.ROOT, "model %s, %d images, batch %d, encoder threads %d, decode threads %d, image size %d%n",
                model.id(), n, batch, model.parallel().threads(), options.decodeThreads(), config.vision().imageSize());
        out.flush();

        List<Tensor> pre = new ArrayList<>();
        long tp = System.nanoTime();
        for (Path f : files.subList(0, Math.min(n, 2 * batch))) {
            try {
                pre.add(model.preprocessor().preprocess(f));
            } catch (BadImageException e) {
                throw new IllegalArgumentException("the benchmark needs readable images: " + e.getMessage(), e);
            }
        }
        out.printf(Locale.ROOT, "read+decode+preprocess alone: %.2f images/s on one thread (cold)%n",
                pre.size() / ((System.nanoTime() - tp) / 1e9));
        model.embedPreprocessed(pre.subList(0, Math.min(batch, pre.size())));   // warm-up

        long t0 = System.nanoTime(), cpu0 = ProcessStats.cpuNanos();
        for (int done = 0; done < n; done += batch) {
            int size = Math.min(batch, n - done);
            List<Tensor> chunk = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                chunk.add(pre.get((done + i) % pre.size()));
            }
            model.embedPreprocessed(chunk);
        }
        double encoder = n / ((System.nanoTime() - t0) / 1e9);
        double encoderCpu = (ProcessStats.cpuNanos() - cpu0) / 1e9 / n;
        out.printf(Locale.ROOT, "encoder alone: %.2f images/s, %.4f cpu s/image%n", encoder, encoderCpu);
        out.flush();

        PrintWriter err = spec.commandLine().getErr();
        long t1 = System.nanoTime(), cpu1 = ProcessStats.cpuNanos();
        ImagePipeline.Result r = new ImagePipeline(model, options.decodeThreads(), err, "jclip bench embed")
                .run(files, (file, emb) -> { }, new Progress(err, n, 0, "items", false));
        double pipeline = r.embedded() / ((System.nanoTime() - t1) / 1e9);
        // On a shared machine wall time depends on the neighbours; CPU time per image shows the work added by decoding.
        double pipelineCpu = (ProcessStats.cpuNanos() - cpu1) / 1e9 / Math.max(1, r.embedded());
        out.printf(Locale.ROOT, "pipeline: %.2f images/s, %.4f cpu s/image (cpu ratio %.3f)%n", pipeline, pipelineCpu,
                encoderCpu / pipelineCpu);
        out.printf(Locale.ROOT, "embed images=%d images_per_s=%.2f encoder_images_per_s=%.2f ratio=%.3f%n",
                r.embedded(), pipeline, encoder, pipeline / encoder);
        return r.failed() > 0 ? 1 : 0;
    }
}
