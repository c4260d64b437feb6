package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;
import static dev.jclip.plan.InferencePlan.needFloat32;

import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.PackedB;
import dev.jclip.nn.StateDict;
import dev.jclip.nn.VisionTransformer;
import dev.jclip.op.Conv2d;
import dev.jclip.op.Elementwise;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Reduce;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * A {@link VisionTransformer} for inference: the patches as one product of rows and the
 * weight packed once, channels-last (the patch bias, SigLIP's, added as the product writes),
 * and with class-token pooling the last block at the class token only. SigLIP's attention
 * pooling runs the model's own head on the planned tokens: one query per image.
 */
final class VisionPlan implements ImagePlan {
    private final VisionTransformer vit;
    private final int patchSize, width;
    private final float lnEps;
    private final Tensor conv1Weight, classEmbedding, positionalEmbedding, lnPreWeight, lnPreBias, lnPostWeight, lnPostBias, proj;
    private final Epilogue conv1Bias;
    private final PackedB conv1Packed;
    private final TransformerPlan transformer;

    VisionPlan(VisionTransformer vit) {
        this.vit = vit;
        StateDict sd = vit.stateDict();
        patchSize = vit.patchSize();
        width = vit.width();
        lnEps = vit.blockConfig().lnEps();
        conv1Weight = need(sd, "conv1.weight");
        conv1Packed = Conv2d.packWeight(conv1Weight);
        conv1Bias = vit.hasPatchBias() ? Epilogue.bias(needFloat32(sd, "conv1.bias").data()) : null;
        classEmbedding = vit.hasClassToken() ? need(sd, "class_embedding") : null;
        positionalEmbedding = needFloat32(sd, "positional_embedding");
        lnPreWeight = vit.hasLnPre() ? need(sd, "ln_pre.weight") : null;
        lnPreBias = vit.hasLnPre() ? need(sd, "ln_pre.bias") : null;
        transformer = new TransformerPlan(sd, "transformer.", vit.layers(), vit.blockConfig());
        lnPostWeight = need(sd, "ln_post.weight");
        lnPostBias = need(sd, "ln_post.bias");
        proj = vit.hasProjection() ? needFloat32(sd, "proj") : null;
    }

    @Override
    public Tensor encode(Tensor images) {
        vit.checkImages(images);
        int b = images.dim(0);
        // The patches as rows times the weight: the channels-last output already is [B, g, g, W].
        Tensor x = Conv2d.infer(images, true, conv1Weight, conv1Packed, patchSize, 0, conv1Bias, null, float[]::new)
                .reshape(b, -1, width);
        if (classEmbedding != null) {
            Tensor cls = Elementwise.add(Tensor.zeros(b, 1, width), classEmbedding);   // as the model, -0 included
            x = Views.concat(1, cls, x);
        }
        x = Elementwise.add(x, positionalEmbedding);
        if (lnPreWeight != null) {
            x = LayerNorm.forward(x, lnPreWeight, lnPreBias, lnEps);
        }
        x = switch (vit.pool()) {
            case TOK -> lnPost(transformer.forwardAt(x, null, new int[b]));
            case AVG -> {
                Tensor all = transformer.forward(x, null);
                yield vit.finalLnAfterPool() ? lnPost(meanOfPatches(all)) : meanOfPatches(lnPost(all));
            }
            case MAP -> vit.attentionPool().forward(lnPost(transformer.forward(x, null)));
        };
        return proj == null ? x : MatMul.matmul(x, false, proj, false);
    }

    private Tensor lnPost(Tensor x) {
        return LayerNorm.forward(x, lnPostWeight, lnPostBias, lnEps);
    }

    /** The mean of the patch tokens of {@code x} [B, (1 +) g², W], the class token (if any) left out: [B, W]. */
    private Tensor meanOfPatches(Tensor x) {
        return Reduce.mean(Views.slice(x, 1, classEmbedding == null ? 0 : 1, x.dim(1)), 1);
    }
}
