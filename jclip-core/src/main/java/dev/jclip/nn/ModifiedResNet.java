package dev.jclip.nn;

import dev.jclip.op.Conv2d;
import dev.jclip.op.Pool;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's ResNet: a stem of three 3x3 convolutions (the first with stride 2),
 * each followed by BatchNorm and ReLU, then a 2x2 average pool; four stages of
 * {@link Bottleneck}s (widths {@code w, 2w, 4w, 8w}, the first block of stages
 * 2-4 with stride 2); and an {@link AttentionPool2d} over the final
 * {@code 32·w} channels with {@code 32·w / 64} heads.
 */
public final class ModifiedResNet extends ImageEncoder {
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

    @Override
    public Tensor forward(Tensor images) {
        return attnpool.forward(trunk(images));
    }

    /** The stem and the four stages: images [B, 3, R, R] to the grid [B, 32·width, R/32, R/32] the attention pool reads. */
    public Tensor trunk(Tensor images) {
        checkImages(images);
        Tensor x = bn1.forwardRelu(Conv2d.forward(images, conv1, null, 2, 1));
        x = bn2.forwardRelu(Conv2d.forward(x, conv2, null, 1, 1));
        x = bn3.forwardRelu(Conv2d.forward(x, conv3, null, 1, 1));
        x = Pool.avgPool2d(x, 2, 2);
        for (Bottleneck block : blocks) {
            x = block.forward(x);
        }
        return x;
    }
}
