package dev.jclip.cli;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.io.SafeTensorsWriter;
import dev.jclip.model.ClipWeights;
import dev.jclip.nn.Clip;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jclip forward}: one batch through a model, for parity checks against
 * the reference. Reads {@code input.images} [B, 3, S, S] (float) and
 * {@code input.tokens} [B, context] (int32 or int64); writes
 * {@code output.image_features}, {@code output.text_features} (not normalized),
 * {@code output.logits_per_image} and {@code output.loss} in evaluation mode;
 * with {@code --grads} also {@code train.loss}, {@code train.logits_per_image}
 * and {@code grad.<parameter>} from one forward/backward in training mode.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run one batch through a model; write features, logits, loss (and gradients) as safetensors.")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Weights: safetensors file or model directory.")
    Path model;

    @Option(names = "--activation", paramLabel = "NAME", converter = ActivationConverter.class,
            description = ActivationConverter.HELP)
    Gelu activation;

    @Option(names = "--inputs", required = true, description = "Safetensors with input.images and input.tokens.")
    Path inputs;

    @Option(names = "--output", required = true, description = "Safetensors file to write.")
    Path output;

    @Option(names = "--grads", description = "Also run forward/backward in training mode and write gradients.")
    boolean grads;

    @Override
    public Integer call() throws Exception {
        Clip clip = ClipWeights.load(model, activation);
        Tensor images;
        int[] tokens;
        try (SafeTensors in = SafeTensors.open(inputs)) {
            for (String name : new String[] {"input.images", "input.tokens"}) {
                if (!in.contains(name)) {
                    throw new IllegalArgumentException(inputs + " has no tensor " + name);
                }
            }
            int[] tokenShape = in.info("input.tokens").shape();
            int context = clip.text().contextLength();
            if (tokenShape.length != 2 || tokenShape[1] != context) {
                throw new IllegalArgumentException(inputs + ": input.tokens has shape " + Arrays.toString(tokenShape)
                        + ", the model needs [B, " + context + "]");
            }
            images = in.tensor("input.images");
            tokens = in.ints("input.tokens");
        }
        SafeTensorsWriter out = new SafeTensorsWriter();
        clip.train(false);
        try (var _ = GradMode.noGrad()) {
            Clip.Output o = clip.forward(images, tokens);
            out.add("output.image_features", o.imageFeatures())
                    .add("output.text_features", o.textFeatures())
                    .add("output.logits_per_image", o.logitsPerImage())
                    .add("output.loss", o.loss());
            System.out.printf("eval loss %.6f%n", o.loss().item());
        }
        if (grads) {
            clip.train(true);
            Clip.Output o = clip.forward(images, tokens);
            o.loss().backward();
            out.add("train.loss", o.loss()).add("train.logits_per_image", o.logitsPerImage());
            for (Map.Entry<String, Tensor> e : clip.stateDict().parameters().entrySet()) {
                Tensor p = e.getValue();
                float[] g = p.grad() != null ? p.grad() : new float[p.numel()];
                out.add("grad." + e.getKey(), g, p.shape());
            }
            System.out.printf("train loss %.6f%n", o.loss().item());
        }
        out.write(output);
        return 0;
    }
}
