package dev.jclip.plan;

import dev.jclip.tensor.Tensor;

/** The inference path of an image tower. */
sealed interface ImagePlan permits VisionPlan, ResNetPlan {
    /** Image features [B, embed] (not normalized) of preprocessed images [B, 3, H, W]; no gradient. */
    Tensor encode(Tensor images);
}
