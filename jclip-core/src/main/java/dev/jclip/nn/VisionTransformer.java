package dev.jclip.nn;

import dev.jclip.op.Conv2d;
import dev.jclip.op.Elementwise;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's ViT: patches by a strided convolution without bias, a learned class
 * token in front, positional embedding, {@code ln_pre}, the transformer (no mask),
 * {@code ln_post} of the class token and the projection to the embedding.
 * Heads are {@code width / 64}.
 */
public final class VisionTransformer extends ImageEncoder {
    private final int imageSize, patchSize, width;
    private final Tensor conv1Weight, classEmbedding, positionalEmbedding;
    private final Tensor lnPreWeight, lnPreBias, lnPostWeight, lnPostBias, proj;
    private final Transformer transformer;

    /** The ViT image tower: {@code imageSize}² inputs cut into {@code patchSize}² patches, projected to {@code outputDim}. */
    public VisionTransformer(int imageSize, int patchSize, int width, int layers, int heads, int outputDim) {
        if (patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        this.imageSize = imageSize;
        this.patchSize = patchSize;
        this.width = width;
        int grid = imageSize / patchSize;
        conv1Weight = parameter("conv1.weight", width, 3, patchSize, patchSize);
        classEmbedding = parameter("class_embedding", width);
        positionalEmbedding = parameter("positional_embedding", grid * grid + 1, width);
        lnPreWeight = parameter("ln_pre.weight", width);
        lnPreBias = parameter("ln_pre.bias", width);
        transformer = child("transformer", new Transformer(width, layers, heads));
        lnPostWeight = parameter("ln_post.weight", width);
        lnPostBias = parameter("ln_post.bias", width);
        proj = parameter("proj", width, outputDim);
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    /** Width of the token states. */
    public int width() {
        return width;
    }

    /** Number of transformer blocks. */
    public int layers() {
        return transformer.layers();
    }

    @Override
    public Tensor forward(Tensor images) {
        checkImages(images);
        // Only the class token's output is used: the last block computes that token alone.
        Tensor x = transformer.forwardAt(embed(images), null, new int[images.dim(0)]);
        x = LayerNorm.forward(x, lnPostWeight, lnPostBias, ResidualAttentionBlock.LN_EPS);
        return MatMul.matmul(x, false, proj, false);
    }

    /**
     * Token states [B, 1 + g², width] of images [B, 3, S, S]: the class token, then the g×g patch
     * tokens row by row. {@code layer} counts as Hugging Face's {@code hidden_states} (0 the input of
     * the first block, after {@code ln_pre}; {@code k} the output of block {@code k}; -1 the last
     * block, -2 the penultimate); {@code lnPost} applies {@code ln_post} to every token.
     */
    public Tensor tokens(Tensor images, int layer, boolean lnPost) {
        int blocks = transformer.blocksFor(layer);
        checkImages(images);
        Tensor x = transformer.forward(embed(images), null, blocks);
        return lnPost ? LayerNorm.forward(x, lnPostWeight, lnPostBias, ResidualAttentionBlock.LN_EPS) : x;
    }

    /** Patch embeddings with the class token in front, positions added, {@code ln_pre}: [B, 1 + g², W]. */
    private Tensor embed(Tensor images) {
        int b = images.dim(0);
        Tensor x;
        if (Tensor.needsGrad(images, conv1Weight)) {
            x = Conv2d.forward(images, conv1Weight, null, patchSize, 0);     // [B, W, g, g]
            x = Views.transpose(x.reshape(b, width, -1), 1, 2);              // [B, g*g, W]
        } else {
            // Inference: patches as rows times the weight, packed once for the batch; the
            // channels-last output already is [B, g, g, W].
            x = Conv2d.infer(images, true, conv1Weight, patchSize, 0, null, null, float[]::new).reshape(b, -1, width);
        }
        // Broadcasting the class embedding onto zeros gives [B, 1, W] and routes its gradient back.
        Tensor cls = Elementwise.add(Tensor.zeros(b, 1, width), classEmbedding);
        x = Elementwise.add(Views.concat(1, cls, x), positionalEmbedding);
        return LayerNorm.forward(x, lnPreWeight, lnPreBias, ResidualAttentionBlock.LN_EPS);
    }
}
