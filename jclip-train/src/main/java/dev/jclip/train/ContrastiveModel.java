package dev.jclip.train;

import dev.jclip.tensor.Tensor;
import java.util.Map;

/**
 * What the trainer needs of a CLIP-like model: its tensors by original
 * state-dict name, the two encoders and the scaled similarity logits.
 */
public interface ContrastiveModel {

    /** Trainable tensors by state-dict name, including {@code logit_scale}; the model's own (writing them changes it). */
    Map<String, Tensor> parameters();

    /** Saved non-trainable tensors by state-dict name (BatchNorm running statistics); may be empty. */
    Map<String, Tensor> buffers();

    /** Image features {@code [B, E]} of images {@code [B, 3, H, W]}, with a graph when grad mode is on. */
    Tensor encodeImage(Tensor images);

    /** Text features {@code [B, E]} of token ids {@code [B · context]}, row-major. */
    Tensor encodeText(int[] tokens);

    /** {@code exp(logit_scale) · norm(image) @ norm(text)ᵀ}, {@code [B, B]}. */
    Tensor logitsPerImage(Tensor imageFeatures, Tensor textFeatures);

    /** Training mode on or off (BatchNorm batch statistics). */
    void train(boolean on);
}
