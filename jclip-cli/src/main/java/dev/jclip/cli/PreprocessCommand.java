package dev.jclip.cli;

import dev.jclip.image.ImageDecoder;
import dev.jclip.image.ImagePreprocessor;
import dev.jclip.io.SafeTensorsWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jclip preprocess --size N --output OUT.safetensors IMAGE...}: CLIP's image
 * preprocessing (identical to Pillow + torchvision) into one safetensors file, a
 * float32 {@code [3, N, N]} tensor per image named by its file name without the
 * extension. A bad image is reported and skipped; the exit code is 1 if any was.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Preprocess images as CLIP does (resize, center crop, normalize) into a safetensors file.")
final class PreprocessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--size", defaultValue = "224", description = "Output side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-o", "--output"}, required = true, description = "The safetensors file to write.")
    Path output;

    @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS,
            description = "Refuse images declaring more pixels than this (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG, JPEG, GIF, BMP or WebP files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (size <= 0 || maxPixels <= 0) {
            throw new ParameterException(spec.commandLine(), "--size and --max-pixels must be positive");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        ImagePreprocessor clip = ImagePreprocessor.clip(size).withDecoder(new ImageDecoder(maxPixels));

        // Images are independent: decode them in parallel, report and write in input order.
        Preprocessed[] done = new Preprocessed[images.size()];
        IntStream.range(0, images.size()).parallel().forEach(i -> done[i] = Preprocessed.of(clip, images.get(i)));

        SafeTensorsWriter writer = new SafeTensorsWriter().metadata("format", "pt")
                .metadata("jclip.preprocess", "clip size=" + size);
        Set<String> names = new HashSet<>();
        int written = 0, failed = 0;
        for (int i = 0; i < done.length; i++) {
            String name = tensorName(images.get(i)), error = done[i].error();
            if (error == null && !names.add(name)) {
                error = images.get(i) + ": another image already gave the tensor name '" + name + "'";
            }
            if (error != null) {
                err.println("jclip preprocess: skipped " + error);
                failed++;
                continue;
            }
            writer.add(name, done[i].image());
            written++;
        }
        if (written == 0) {
            err.println("jclip preprocess: no image could be preprocessed; " + output + " not written");
            return 1;
        }
        writer.write(output);
        out.println("wrote " + written + " tensors [3," + size + "," + size + "] to " + output
                + (failed > 0 ? " (" + failed + " skipped)" : ""));
        return failed > 0 ? 1 : 0;
    }

    /** The file name without its last extension: {@code photos/cat.01.jpg} gives {@code cat.01}. */
    static String tensorName(Path image) {
        String file = image.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
