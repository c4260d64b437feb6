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
 *
 * <p>SigLIP's image tower is the same ViT with a bias on the patch convolution, no class token,
 * no {@code ln_pre}, {@code ln_post} on every token, then an {@link AttentionPoolingHead}
 * ({@code attn_pool}, {@link Pool#MAP}) and no projection: the features are the pooled states.
 */
public final class VisionTransformer extends ImageEncoder {
    /** How the token states become one feature: OpenCLIP's {@code pool_type}. */
    public enum Pool {
        /** The class token ({@code tok}). */
        TOK,
        /** The mean of the patch tokens, class token left out ({@code avg}). */
        AVG,
        /** SigLIP's multihead attention pooling head over every token ({@code map}). */
        MAP
    }

    private final int imageSize, imageWidth, patchSize, width;
    private final Pool pool;
    private final boolean finalLnAfterPool;
    private final float lnEps;
    private final Tensor conv1Weight, conv1Bias, classEmbedding, positionalEmbedding;
    private final Tensor lnPreWeight, lnPreBias, lnPostWeight, lnPostBias, proj;
    private final Transformer transformer;
    private final AttentionPoolingHead attnPool;

    /**
     * A ViT image tower: inputs {@code imageSize} high and {@code imageWidth} wide cut into
     * {@code patchSize}² patches (the last pixels of a side that is no multiple dropped), {@code layers}
     * blocks shaped by {@code blocks}, with or without
     * {@code ln_pre}, pooling by {@code pool} with {@code ln_post} before or after it, projected
     * to {@code outputDim}.
     */
    public VisionTransformer(int imageSize, int imageWidth, int patchSize, int width, int layers, BlockConfig blocks,
                             boolean lnPre, Pool pool, boolean finalLnAfterPool, int outputDim) {
        this(imageSize, imageWidth, patchSize, width, layers, blocks, true, false, lnPre, pool, finalLnAfterPool, outputDim);
    }

    /**
     * As the constructor above, with or without the class token and a bias on the patch
     * convolution ({@code conv1.bias}); {@code outputDim} 0 means no projection (SigLIP's), the
     * features then have the tower's width.
     */
    public VisionTransformer(int imageSize, int imageWidth, int patchSize, int width, int layers, BlockConfig blocks,
                             boolean classToken, boolean patchBias, boolean lnPre, Pool pool, boolean finalLnAfterPool,
                             int outputDim) {
        if (patchSize <= 0 || imageSize < patchSize || imageWidth < patchSize) {
            throw new IllegalArgumentException("image size " + imageSize + "x" + imageWidth + " is smaller than patch size "
                    + patchSize);
        }
        if (pool == Pool.TOK && !classToken) {
            throw new IllegalArgumentException("class-token pooling needs a class token");
        }
        if (pool == Pool.MAP && finalLnAfterPool) {
            throw new IllegalArgumentException("the attention pooling head takes the tokens after ln_post");
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
        conv1Bias = patchBias ? parameter("conv1.bias", width) : null;
        classEmbedding = classToken ? parameter("class_embedding", width) : null;
        positionalEmbedding = parameter("positional_embedding", patches + (classToken ? 1 : 0), width);
        lnPreWeight = lnPre ? parameter("ln_pre.weight", width) : null;
        lnPreBias = lnPre ? parameter("ln_pre.bias", width) : null;
        transformer = child("transformer", new Transformer(width, layers, blocks));
        lnPostWeight = parameter("ln_post.weight", width);
        lnPostBias = parameter("ln_post.bias", width);
        attnPool = pool == Pool.MAP
                ? child("attn_pool", new AttentionPoolingHead(width, blocks.heads(), blocks.mlpWidth(), blocks.act(), lnEps))
                : null;
        proj = outputDim > 0 ? parameter("proj", width, outputDim) : null;
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
        return proj == null ? width : proj.dim(1);
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

    /** Whether a learned class token goes in front of the patch tokens. */
    public boolean hasClassToken() {
        return classEmbedding != null;
    }

    /** Whether the patch convolution has a bias. */
    public boolean hasPatchBias() {
        return conv1Bias != null;
    }

    /** Whether the pooled states are projected by {@code proj} (else they are the features). */
    public boolean hasProjection() {
        return proj != null;
    }

    /** How the tokens are pooled. */
    public Pool pool() {
        return pool;
    }

    /** The attention-pooling head of {@link Pool#MAP}, else null. */
    public AttentionPoolingHead attentionPool() {
        return attnPool;
    }

    /** Whether {@code ln_post} is applied after pooling (else to every token before it). */
    public boolean finalLnAfterPool() {
        return finalLnAfterPool;
    }

    @Override
    public Tensor forward(Tensor images) {
        checkImages(images);
        Tensor x = switch (pool) {
            // Only the class token is pooled, so the last block computes it alone; LayerNorm is per
            // token: before or after pooling is the same.
            case TOK -> lnPost(transformer.forwardAt(embed(images), null, new int[images.dim(0)]));
            case AVG -> {
                Tensor all = transformer.forward(embed(images), null);
                yield finalLnAfterPool ? lnPost(meanOfPatches(all)) : meanOfPatches(lnPost(all));
            }
            case MAP -> attnPool.forward(lnPost(transformer.forward(embed(images), null)));
        };
        return proj == null ? x : MatMul.matmul(x, false, proj, false);
    }

    /**
     * Token states [B, 1 + patches, width] of images [B, 3, H, W]: the class token (if the tower
     * has one), then the patch tokens row by row. {@code layer} counts as Hugging Face's {@code hidden_states} (0 the input of
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

    /** The mean of the patch tokens of {@code x} [B, (1 +) g², W], the class token left out: [B, W]. */
    private Tensor meanOfPatches(Tensor x) {
        return Reduce.mean(Views.slice(x, 1, classEmbedding == null ? 0 : 1, x.dim(1)), 1);
    }

    /** Patch embeddings with the class token (if any) in front, positions added, {@code ln_pre} (if any): [B, (1 +) g², W]. */
    private Tensor embed(Tensor images) {
        int b = images.dim(0);
        Tensor x = Conv2d.forward(images, conv1Weight, conv1Bias, patchSize, 0);   // [B, W, g, g]
        x = Views.transpose(x.reshape(b, width, -1), 1, 2);                         // [B, g*g, W]
        if (classEmbedding != null) {
            // Broadcasting the class embedding onto zeros gives [B, 1, W] and routes its gradient back.
            Tensor cls = Elementwise.add(Tensor.zeros(b, 1, width), classEmbedding);
            x = Views.concat(1, cls, x);
        }
        x = Elementwise.add(x, positionalEmbedding);
        return lnPreWeight == null ? x : LayerNorm.forward(x, lnPreWeight, lnPreBias, lnEps);
    }
}
