package dev.jclip.nn;

import dev.jclip.op.Conv2d;
import dev.jclip.op.Pool;
import dev.jclip.op.Views;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's ResNet: a stem of three 3x3 convolutions (the first with stride 2),
 * each followed by BatchNorm and ReLU, then a 2x2 average pool; four stages of
 * {@link Bottleneck}s (widths {@code w, 2w, 4w, 8w}, the first block of stages
 * 2-4 with stride 2); and an {@link AttentionPool2d} over the final
 * {@code 32·w} channels with {@code 32·w / 64} heads.
 */
public final class ModifiedResNet extends ImageEncoder {
    /** Images per group in the stem and the first two stages at inference (see {@link #infer}). */
    static final int GROUP = 2;

    private final int imageSize, width, heads, outputDim;
    private final Tensor conv1, conv2, conv3;
    private final BatchNorm bn1, bn2, bn3;
    private final Bottleneck[] blocks;
    private final int[] layers;
    private final AttentionPool2d attnpool;

    /**
     * @param layers    blocks per stage (4 entries)
     * @param width     stem width; the output of stage 4 has {@code 32·width} channels
     * @param imageSize input side, a multiple of 32 (the total downsampling)
     */
    public ModifiedResNet(int[] layers, int outputDim, int heads, int imageSize, int width) {
        if (layers.length != 4) {
            throw new IllegalArgumentException("a ModifiedResNet has 4 stages, got " + layers.length);
        }
        if (imageSize % 32 != 0) {
            throw new IllegalArgumentException("ResNet image size " + imageSize + " is not a multiple of 32");
        }
        this.imageSize = imageSize;
        this.width = width;
        this.heads = heads;
        this.outputDim = outputDim;
        this.layers = layers.clone();
        conv1 = parameter("conv1.weight", width / 2, 3, 3, 3);
        bn1 = child("bn1", new BatchNorm(width / 2));
        conv2 = parameter("conv2.weight", width / 2, width / 2, 3, 3);
        bn2 = child("bn2", new BatchNorm(width / 2));
        conv3 = parameter("conv3.weight", width, width / 2, 3, 3);
        bn3 = child("bn3", new BatchNorm(width));
        int total = 0;
        for (int n : layers) {
            total += n;
        }
        blocks = new Bottleneck[total];
        int inplanes = width, k = 0;
        for (int stage = 0; stage < 4; stage++) {
            int planes = width << stage;
            for (int j = 0; j < layers[stage]; j++) {
                int stride = stage > 0 && j == 0 ? 2 : 1;
                blocks[k++] = child("layer" + (stage + 1) + "." + j, new Bottleneck(inplanes, planes, stride));
                inplanes = planes * Bottleneck.EXPANSION;
            }
        }
        attnpool = child("attnpool", new AttentionPool2d(imageSize / 32, width * 32, heads, outputDim));
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    /** Blocks per stage. */
    public int[] layers() {
        return layers.clone();
    }

    /** Stem width. */
    public int width() {
        return width;
    }

    /** Heads of the attention pool. */
    public int heads() {
        return heads;
    }

    /**
     * In evaluation mode without gradients, the trunk runs on channels-last activations with the
     * batch norms, residuals and ReLUs fused into the convolutions ({@link #infer}); it gives the
     * general path's values up to rounding (sums in another order); that path records gradients
     * and trains.
     */
    @Override
    public Tensor forward(Tensor images) {
        checkImages(images);
        if (!isTraining() && !GradMode.isEnabled()) {
            Tensor x = infer(images);
            return attnpool.infer(x.reshape(x.dim(0), -1, x.dim(3)));
        }
        Tensor x = bn1.forwardRelu(Conv2d.forward(images, conv1, null, 2, 1));
        x = bn2.forwardRelu(Conv2d.forward(x, conv2, null, 1, 1));
        x = bn3.forwardRelu(Conv2d.forward(x, conv3, null, 1, 1));
        x = Pool.avgPool2d(x, 2, 2);
        for (Bottleneck block : blocks) {
            x = block.forward(x);
        }
        return attnpool.forward(x);
    }

    /**
     * The trunk for inference: images {@code [B, 3, R, R]} to channels-last {@code [B, R/32, R/32, 32·width]}.
     * The stem and the first two stages have large activations and small weights, so they run
     * {@link #GROUP} images at a time, whose activations stay in cache (a whole batch's would
     * stream from memory at every convolution); the last two stages, with the large weights, run
     * on the whole batch. Activation arrays are recycled: across the groups, and within each of
     * the last stages (a stage's first block changes the sizes, so the arrays of the stage before
     * are left to the collector); a block's output overwrites its shortcut.
     */
    private Tensor infer(Tensor images) {
        int b = images.dim(0), early = layers[0] + layers[1];
        Buffers buffers = new Buffers();
        Tensor x = null;
        for (int i0 = 0; i0 < b; i0 += GROUP) {
            int g = Math.min(GROUP, b - i0);
            Tensor y = stem(g == b ? images : Views.slice(images, 0, i0, i0 + g), buffers);
            for (int i = 0; i < early; i++) {
                y = blocks[i].infer(y, buffers);
            }
            if (g == b) {
                x = y;
            } else {
                if (x == null) {
                    int[] shape = y.shape();
                    shape[0] = b;
                    x = Tensor.zeros(shape);
                }
                System.arraycopy(y.data(), 0, x.data(), i0 * (y.numel() / g), y.numel());
                buffers.give(y);
            }
        }
        for (int i = early; i < blocks.length; i++) {
            if (blocks[i].projects()) {
                buffers = new Buffers();
            }
            x = blocks[i].infer(x, buffers);
        }
        return x;
    }

    /** The stem for inference: images {@code [G, 3, R, R]} to channels-last {@code [G, R/4, R/4, width]}. */
    private Tensor stem(Tensor images, Buffers buffers) {
        Tensor x = Conv2d.infer(images, true, conv1, buffers.packed(conv1), 2, 1, bn1.folded().withRelu(), null, buffers::take);
        Tensor y = Conv2d.infer(x, false, conv2, buffers.packed(conv2), 1, 1, bn2.folded().withRelu(), null, buffers::take);
        buffers.give(x);
        x = Conv2d.infer(y, false, conv3, buffers.packed(conv3), 1, 1, bn3.folded().withRelu(), null, buffers::take);
        buffers.give(y);
        y = Pool.avgPool2dChannelsLast(x, 2, 2, buffers::take);
        buffers.give(x);
        return y;
    }
}
