package dev.jclip.plan;

import dev.jclip.nn.Clip;
import dev.jclip.nn.ModifiedResNet;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;

/**
 * The inference path of a loaded {@link Clip}: the same features as its {@code forward}, computed
 * the fast way. Weights are read from the model's state dict by their published names (the plan
 * holds the model's own tensors: it must not change afterwards); batch norms are folded into the
 * convolutions before them, epilogues (bias, GELU, residual, ReLU) are fused into the products,
 * the ResNet runs on channels-last activations in small groups of images with recycled arrays,
 * and the last transformer block of a tower pooled at one token (the class token, a text's end
 * token) computes only that token. SigLIP's towers (a patch bias, no class token, attention
 * pooling, a text projection with bias) are planned as well. The transformer
 * blocks' float32 weights are packed for the products once, when first used ({@link LinearWeight}:
 * a second copy of them on the heap, within a budget). Records no autograd
 * graph. Thread-safe, and immutable but for that packing. Every tower gives {@code forward}'s bits,
 * but for a ResNet's 3×3 convolutions, which run by Winograd's algorithm ({@link ResNetPlan#WINOGRAD}:
 * 2.25 times fewer multiplications, a few roundings off the model's; {@code -Djclip.winograd=false}
 * gives its bits there too).
 */
public final class InferencePlan {
    private final ImagePlan image;
    private final TextPlan text;

    private InferencePlan(ImagePlan image, TextPlan text) {
        this.image = image;
        this.text = text;
    }

    /** The plan of {@code clip}, which must be in evaluation mode. */
    public static InferencePlan of(Clip clip) {
        if (clip.isTraining()) {
            throw new IllegalArgumentException("the model is in training mode: call train(false) before planning inference");
        }
        ImagePlan image = switch (clip.visual()) {
            case null -> null;
            case VisionTransformer vit -> new VisionPlan(vit);
            case ModifiedResNet resnet -> new ResNetPlan(resnet);
            default -> throw new IllegalArgumentException("no inference plan for image tower " + clip.visual().getClass().getName());
        };
        return new InferencePlan(image, clip.text() == null ? null : new TextPlan(clip.text()));
    }

    /** Image features [B, embed] (not normalized) of preprocessed images [B, 3, H, W], as {@link Clip#encodeImage}. */
    public Tensor encodeImage(Tensor images) {
        if (image == null) {
            throw new IllegalStateException("this model has no image tower");
        }
        try (var _ = GradMode.noGrad()) {
            return image.encode(images);
        }
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], as {@link Clip#encodeText}. */
    public Tensor encodeText(int[] tokens) {
        if (text == null) {
            throw new IllegalStateException("this model has no text tower");
        }
        try (var _ = GradMode.noGrad()) {
            return text.encode(tokens);
        }
    }

    /** The tensor of that state-dict name; an error naming it when the model lacks it. */
    static Tensor need(StateDict sd, String name) {
        Tensor t = sd.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        return t;
    }

    /**
     * {@link #need}, widened into a float32 copy when kept in 16 bits: for the small tensors that
     * element-wise operations and unpacked products read (a positional embedding, a projection),
     * so that the model's own tensor stays in 16 bits.
     */
    static Tensor needFloat32(StateDict sd, String name) {
        Tensor t = need(sd, name);
        return t.halfStorage() != null ? t.copy() : t;
    }
}
