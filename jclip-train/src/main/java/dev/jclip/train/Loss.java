package dev.jclip.train;

import dev.jclip.nn.Clip;
import dev.jclip.tensor.Tensor;
import java.util.Locale;

/**
 * The training objective: a function of the batch's whole {@code [B, B]} logits, so that
 * {@link GradCache gradient caching} is exact for either.
 */
public enum Loss {
    /** CLIP's symmetric softmax cross-entropy over the rows and the columns ({@link Clip#contrastiveLoss}). */
    CONTRASTIVE,
    /**
     * SigLIP's pairwise sigmoid loss ({@link Clip#sigmoidLoss}); the model needs a {@code logit_bias}
     * (see {@link #prepare}).
     */
    SIGLIP;

    /** SigLIP's initial {@code logit_scale}: ln 10, a temperature of 10. */
    public static final float SIGLIP_INIT_LOGIT_SCALE = (float) Math.log(10);
    /** SigLIP's initial {@code logit_bias}: −10, so that the many negative pairs start with a small loss. */
    public static final float SIGLIP_INIT_LOGIT_BIAS = -10f;

    /** This loss of {@code logitsPerImage}, a scalar. */
    public Tensor of(Tensor logitsPerImage) {
        return this == SIGLIP ? Clip.sigmoidLoss(logitsPerImage) : Clip.contrastiveLoss(logitsPerImage);
    }

    /**
     * {@code model} ready to train with this loss. For {@link #SIGLIP}: a model without
     * {@code logit_bias} is replaced by one over the same towers and {@code logit_scale} with
     * {@code logit_bias} = {@value #SIGLIP_INIT_LOGIT_BIAS}; a SigLIP checkpoint keeps its values; and
     * when {@code fromScratch} (random weights), {@code logit_scale} and {@code logit_bias} start at
     * SigLIP's ln 10 and −10. {@link #CONTRASTIVE} returns {@code model} itself.
     */
    public Clip prepare(Clip model, boolean fromScratch) {
        if (this == CONTRASTIVE) {
            return model;
        }
        if (model.logitScale() == null) {
            throw new IllegalArgumentException("the sigmoid loss needs a model with both towers");
        }
        Clip siglip = model;
        if (model.logitBias() == null) {
            siglip = new Clip(model.visual(), model.text(), true);
            siglip.logitScale().data()[0] = model.logitScale().item();
            siglip.logitBias().data()[0] = SIGLIP_INIT_LOGIT_BIAS;
        }
        if (fromScratch) {
            siglip.logitScale().data()[0] = SIGLIP_INIT_LOGIT_SCALE;
            siglip.logitBias().data()[0] = SIGLIP_INIT_LOGIT_BIAS;
        }
        return siglip;
    }

    /** The name on the command line and in checkpoints: {@code contrastive} or {@code siglip}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
