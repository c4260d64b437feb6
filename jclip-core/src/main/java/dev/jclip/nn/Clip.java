package dev.jclip.nn;

import dev.jclip.op.CrossEntropy;
import dev.jclip.op.Elementwise;
import dev.jclip.op.MatMul;
import dev.jclip.op.Normalize;
import dev.jclip.op.SigmoidLoss;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;

/**
 * OpenAI's CLIP: an image tower ({@code visual.*}), a text tower (top-level
 * names) and a learned temperature {@code logit_scale}; a SigLIP model also has a
 * learned {@code logit_bias} and trains with the sigmoid loss. Parameter names are
 * those of the original state dict; see {@link #stateDict()}. A single tower
 * (Hugging Face's {@code CLIPVisionModelWithProjection} or
 * {@code CLIPTextModelWithProjection}) is a CLIP with the other tower and the
 * temperature absent: it encodes, but gives no logits.
 */
public final class Clip extends Module {
    private final ImageEncoder visual;
    private final TextTransformer text;
    private final Tensor logitScale;
    private final Tensor logitBias;

    /** The outputs of one forward pass over a batch of matching image/text pairs. */
    public record Output(Tensor imageFeatures, Tensor textFeatures, Tensor logitsPerImage, Tensor loss) {}

    /** CLIP from its two towers and a scalar {@code logit_scale}; either tower may be null (then no {@code logit_scale}). */
    public Clip(ImageEncoder visual, TextTransformer text) {
        this(visual, text, false);
    }

    /**
     * As {@link #Clip(ImageEncoder, TextTransformer)}, with SigLIP's learned scalar {@code logit_bias}
     * added to the logits when {@code withLogitBias} (two towers only).
     */
    public Clip(ImageEncoder visual, TextTransformer text, boolean withLogitBias) {
        if (visual == null && text == null) {
            throw new IllegalArgumentException("a CLIP model needs at least one tower");
        }
        this.visual = visual == null ? null : child("visual", visual);
        this.text = text == null ? null : child("", text);
        logitScale = visual != null && text != null ? parameter("logit_scale") : null;
        logitBias = withLogitBias && logitScale != null ? parameter("logit_bias") : null;
    }

    /** The image tower, or null for a text tower alone. */
    public ImageEncoder visual() {
        return visual;
    }

    /** The text tower, or null for an image tower alone. */
    public TextTransformer text() {
        return text;
    }

    /** The learned log temperature, a scalar: logits are scaled by {@code exp(logit_scale)}; null for a single tower. */
    public Tensor logitScale() {
        return logitScale;
    }

    /** SigLIP's learned logit bias, a scalar added to the scaled logits; null for CLIP models. */
    public Tensor logitBias() {
        return logitBias;
    }

    /** Image features [B, embed] (not normalized) of preprocessed images [B, 3, S, S]. */
    public Tensor encodeImage(Tensor images) {
        if (visual == null) {
            throw new IllegalStateException("this model has no image tower");
        }
        return visual.forward(images);
    }

    /** Text features [B, embed] (not normalized) of token ids [B, contextLength], row-major. */
    public Tensor encodeText(int[] tokens) {
        if (text == null) {
            throw new IllegalStateException("this model has no text tower");
        }
        return text.forward(tokens);
    }

    /** {@code exp(logit_scale) · norm(image) @ norm(text)ᵀ (+ logit_bias)}: [B_image, B_text]. */
    public Tensor logitsPerImage(Tensor imageFeatures, Tensor textFeatures) {
        if (logitScale == null) {
            throw new IllegalStateException("a single tower has no logit_scale: it gives no logits");
        }
        Tensor sim = MatMul.matmul(Normalize.l2(imageFeatures), false, Normalize.l2(textFeatures), true);
        Tensor logits = Elementwise.mulScalar(sim, Elementwise.exp(logitScale));
        return logitBias == null ? logits : Elementwise.add(logits, logitBias);
    }

    /**
     * CLIP's symmetric contrastive loss for a square batch where pair i matches
     * pair i: the mean of the cross-entropies over rows (image to text) and over
     * columns (text to image).
     */
    public static Tensor contrastiveLoss(Tensor logitsPerImage) {
        int n = logitsPerImage.dim(0);
        if (logitsPerImage.rank() != 2 || logitsPerImage.dim(1) != n) {
            throw new IllegalArgumentException("the contrastive loss needs square logits, got "
                    + Arrays.toString(logitsPerImage.shape()));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        Tensor perImage = CrossEntropy.forward(logitsPerImage, labels);
        Tensor perText = CrossEntropy.forward(Views.transpose(logitsPerImage, 0, 1), labels);
        return Elementwise.scale(Elementwise.add(perImage, perText), 0.5f);
    }

    /**
     * SigLIP's pairwise sigmoid loss (Zhai et al., 2023) for a square batch where pair i matches pair i:
     * every image-text pair is a binary classification, {@code −Σ log σ(z·logit) / B} with {@code z = +1}
     * on the diagonal and {@code −1} elsewhere (open_clip's {@code SigLipLoss}).
     */
    public static Tensor sigmoidLoss(Tensor logitsPerImage) {
        return SigmoidLoss.forward(logitsPerImage);
    }

    /**
     * Features, logits and loss of B images with their B captions: the sigmoid loss for a model with
     * {@code logit_bias} (SigLIP), else the contrastive one.
     */
    public Output forward(Tensor images, int[] tokens) {
        if (logitScale == null) {
            throw new IllegalStateException("a single tower has no contrastive forward pass");
        }
        int texts = tokens.length / text.contextLength();
        if (images.rank() < 1 || images.dim(0) != texts) {
            throw new IllegalArgumentException(Arrays.toString(images.shape()) + " images but " + texts + " texts");
        }
        Tensor img = encodeImage(images);
        Tensor txt = encodeText(tokens);
        Tensor logits = logitsPerImage(img, txt);
        return new Output(img, txt, logits, logitBias != null ? sigmoidLoss(logits) : contrastiveLoss(logits));
    }
}
