package dev.jclip.cli;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.api.ClipModel;
import dev.jclip.api.Prediction;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.data.Utf8Reader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jclip classify --model PATH (--labels a,b,c | --labels-file F) [--templates F] [--top K]
 * [--json] IMAGE...}: zero-shot classification with prompt ensembling. Prints the top-K labels with
 * their probabilities per image, best first; with {@code --json} one line per image,
 * {@code {"image":PATH,"probabilities":"softmax","labels":[{"label":L,"prob":P},...]}}. The
 * probabilities are a softmax over the labels (CLIP) or, for a SigLIP model, independent sigmoids
 * ({@code "probabilities":"sigmoid"}; said once on standard error without {@code --json}). Label and template files hold one
 * entry per line, or are CLIP's prompt JSON ({@code {"classes":[...],"templates":[...]}}).
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Zero-shot classification of images against class names (prompt ensembling).")
final class ClassifyCommand implements Callable<Integer> {
    /** Where the class names come from. */
    static final class Labels {
        @Option(names = "--labels", split = ",", paramLabel = "A,B,...", description = "Class names, comma-separated.")
        List<String> labels;

        @Option(names = "--labels-file", paramLabel = "FILE",
                description = "Class names: one per line, or a JSON file with a \"classes\" array.")
        Path labelsFile;
    }

    @Mixin
    ModelOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Labels labels;

    @Option(names = "--templates", paramLabel = "FILE",
            description = "Prompt templates with {} for the class name: one per line, or a JSON file with a \"templates\" array "
                    + "(default: a short built-in set).")
    Path templates;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Labels shown per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "One JSON object per image and line.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders (walked recursively).")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<String> classes = labels.labels != null ? labels.labels.stream().map(String::strip).toList()
                : entries(labels.labelsFile, "classes");
        List<String> prompts = templates != null ? entries(templates, "templates") : ClipModel.DEFAULT_TEMPLATES;
        List<Path> files = ImageFiles.list(images);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images in " + images);
        }
        ClipModel model = options.load(true);
        ZeroShotClassifier classifier = model.classifier(classes, prompts);
        String kind = classifier.kind().name().toLowerCase(Locale.ROOT);
        if (!json && classifier.kind() == ZeroShotClassifier.Probabilities.SIGMOID) {
            err.println("jclip classify: sigmoid probabilities (SigLIP): each label's is independent, they need not sum to 1");
        }
        ImagePipeline pipeline = new ImagePipeline(model, options.decodeThreads(), err, "jclip classify");
        ImagePipeline.Result r = pipeline.run(files, (file, emb) -> {
            List<Prediction> best = classifier.top(emb, top);
            if (json) {
                ObjectNode line = CliJson.MAPPER.createObjectNode();
                line.put("image", file.toString());
                line.put("probabilities", kind);
                ArrayNode list = line.putArray("labels");
                for (Prediction p : best) {
                    list.addObject().put("label", p.label()).put("prob", p.probability());
                }
                out.println(CliJson.line(line));
            } else {
                StringBuilder line = new StringBuilder(file.toString());
                for (Prediction p : best) {
                    line.append(String.format(Locale.ROOT, "  %s %.4f", p.label(), p.probability()));
                }
                out.println(line);
            }
            out.flush();
        }, Progress.onTerminal(err, files.size(), 0, "items"));
        if (r.failed() > 0) {
            err.println("jclip classify: classified " + r.embedded() + " images; " + r.failed() + " failed");
            return 1;
        }
        return 0;
    }

    /** Non-blank lines of {@code file}, or its {@code key} array if it is a JSON object. */
    private static final Pattern JSON_OBJECT = Pattern.compile("\\s*\\{\\s*\"");

    static List<String> entries(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        String content = Utf8Reader.readString(file);
        List<String> out = new ArrayList<>();
        // CLIP's prompt JSON is an object with string keys; a plain line such as "{} on black" is a template.
        if (JSON_OBJECT.matcher(content).lookingAt()) {
            JsonNode array;
            try {
                array = CliJson.MAPPER.readTree(content).get(key);
            } catch (StreamReadException e) {
                throw new IllegalArgumentException(file + ": " + CliJson.problem(e), e);
            }
            if (array == null || !array.isArray()) {
                throw new IllegalArgumentException(file + " is a JSON object without a \"" + key + "\" array");
            }
            for (JsonNode n : array) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException(file + ": \"" + key + "\" must hold strings, found "
                            + n.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                out.add(n.textValue());
            }
        } else {
            content.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no " + key);
        }
        return out;
    }
}
