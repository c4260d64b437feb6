package dev.jclip.nn;

import dev.jclip.op.Conv2d;
import dev.jclip.op.Elementwise;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.MatMul;
import dev.jclip.op.Reduce;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's ViT: patches by a strided convolution without bias, a learned class
 * token in front, positional embedding, {@code ln_pre} (absent with OpenCLIP's
 * {@code no_ln_pre}), the transformer (no mask), then pooling and {@code ln_post}
 * and the projection to the embedding. Pooling takes the class token
 * ({@link Pool#TOK}, OpenAI's) or the mean of the patch tokens ({@link Pool#AVG});
 * {@code ln_post} is applied to every token before pooling, or to the pooled
 * token after it ({@code final_ln_after_pool}; the same for class-token pooling).
 */
public final class VisionTransformer extends ImageEncoder {
    /** How the token states become one feature: OpenCLIP's {@code pool_type}. */
    public enum Pool {
        /** The class token ({@code tok}). */
        TOK,
        /** The mean of the patch tokens, class token left out ({@code avg}). */
        AVG
    }

    private final int imageSize, imageWidth, patchSize, width;
    private final Pool pool;
    private final boolean finalLnAfterPool;
    private final float lnEps;
    private final Tensor conv1Weight, classEmbedding, positionalEmbedding;
    private final Tensor lnPreWeight, lnPreBias, lnPostWeight, lnPostBias, proj;
    private final Transformer transformer;

    /**
     * A ViT image tower: inputs {@code imageSize} high and {@code imageWidth} wide cut into
     * {@code patchSize}² patches, {@code layers}
     * blocks shaped by {@code blocks}, with or without
     * {@code ln_pre}, pooling by {@code pool} with {@code ln_post} before or after it, projected
     * to {@code outputDim}.
     */
    public VisionTransformer(int imageSize, int imageWidth, int patchSize, int width, int layers, BlockConfig blocks,
                             boolean lnPre, Pool pool, boolean finalLnAfterPool, int outputDim) {
        if (patchSize <= 0 || imageSize % patchSize != 0 || imageWidth % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + "x" + imageWidth + " is not a multiple of patch size "
                    + patchSize);
        }
        this.imageSize = imageSize;
        this.imageWidth = imageWidth;
        this.patchSize = patchSize;
        this.width = width;
        this.pool = pool;
        this.finalLnAfterPool = finalLnAfterPool;
        this.lnEps = blocks.lnEps();
        int patches = (imageSize / patchSize) * (imageWidth / patchSize);
        conv1Weight = parameter("conv1.weight", width, 3, patchSize, patchSize);
        classEmbedding = parameter("class_embedding", width);
        positionalEmbedding = parameter("positional_embedding", patches + 1, width);
        lnPreWeight = lnPre ? parameter("ln_pre.weight", width) : null;
        lnPreBias = lnPre ? parameter("ln_pre.bias", width) : null;
        transformer = child("transformer", new Transformer(width, layers, blocks));
        lnPostWeight = parameter("ln_post.weight", width);
        lnPostBias = parameter("ln_post.bias", width);
        proj = parameter("proj", width, outputDim);
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int imageWidth() {
        return imageWidth;
    }

    @Override
    public int outputDim() {
        return proj.dim(1);
    }

    /** Width of the token states. */
    public int width() {
        return width;
    }

    /** Number of transformer blocks. */
    public int layers() {
        return transformer.layers();
    }

    /** Pixels per patch side. */
    public int patchSize() {
        return patchSize;
    }

    /** The shape of every transformer block. */
    public BlockConfig blockConfig() {
        return transformer.config();
    }

    /** Whether the tokens go through {@code ln_pre} before the transformer. */
    public boolean hasLnPre() {
        return lnPreWeight != null;
    }

    /** How the tokens are pooled. */
    public Pool pool() {
        return pool;
    }

    /** Whether {@code ln_post} is applied after pooling (else to every token before it). */
    public boolean finalLnAfterPool() {
        return finalLnAfterPool;
    }

    @Override
    public Tensor forward(Tensor images) {
        checkImages(images);
        Tensor x;
        if (pool == Pool.TOK) {
            // Only the class token is pooled, so the last block computes it alone; LayerNorm is per
            // token: before or after pooling is the same.
            x = lnPost(transformer.forwardAt(embed(images), null, new int[images.dim(0)]));
        } else {
            x = transformer.forward(embed(images), null);
            x = finalLnAfterPool ? lnPost(meanOfPatches(x)) : meanOfPatches(lnPost(x));
        }
        return MatMul.matmul(x, false, proj, false);
    }

    /**
     * Token states [B, 1 + patches, width] of images [B, 3, H, W]: the class token, then the patch
     * tokens row by row. {@code layer} counts as Hugging Face's {@code hidden_states} (0 the input of
     * the first block, after {@code ln_pre}; {@code k} the output of block {@code k}; -1 the last
     * block, -2 the penultimate); {@code lnPost} applies {@code ln_post} to every token.
     */
    public Tensor tokens(Tensor images, int layer, boolean lnPost) {
        int blocks = transformer.blocksFor(layer);
        checkImages(images);
        Tensor x = transformer.forward(embed(images), null, blocks);
        return lnPost ? lnPost(x) : x;
    }

    private Tensor lnPost(Tensor x) {
        return LayerNorm.forward(x, lnPostWeight, lnPostBias, lnEps);
    }

    /** The mean of the patch tokens of {@code x} [B, 1 + g², W], the class token left out: [B, W]. */
    private static Tensor meanOfPatches(Tensor x) {
        return Reduce.mean(Views.slice(x, 1, 1, x.dim(1)), 1);
    }

    /** Patch embeddings with the class token in front, positions added, {@code ln_pre} (if any): [B, 1 + g², W]. */
    private Tensor embed(Tensor images) {
        int b = images.dim(0);
        Tensor x = Conv2d.forward(images, conv1Weight, null, patchSize, 0);   // [B, W, g, g]
        x = Views.transpose(x.reshape(b, width, -1), 1, 2);                    // [B, g*g, W]
        // Broadcasting the class embedding onto zeros gives [B, 1, W] and routes its gradient back.
        Tensor cls = Elementwise.add(Tensor.zeros(b, 1, width), classEmbedding);
        x = Elementwise.add(Views.concat(1, cls, x), positionalEmbedding);
        return lnPreWeight == null ? x : LayerNorm.forward(x, lnPreWeight, lnPreBias, lnEps);
    }
}
