package dev.jclip.plan;

import dev.jclip.nn.ModifiedResNet;
import dev.jclip.nn.StateDict;
import dev.jclip.op.Pool;
import dev.jclip.op.Views;
import dev.jclip.tensor.Tensor;

/**
 * A {@link ModifiedResNet} for inference: its trunk on channels-last activations with the batch
 * norms, residuals and ReLUs fused into the convolutions ({@link FoldedConv}), then the
 * attention pool ({@link AttentionPoolPlan}).
 */
final class ResNetPlan implements ImagePlan {
    /** Images per group in the stem and the first two stages (see {@link #trunk}). */
    static final int GROUP = 2;
    /**
     * Whether the 3×3 convolutions (those with stride 1: all but the first) run by Winograd's
     * algorithm ({@link dev.jclip.op.WinogradConv2d}), rounded slightly differently from the model;
     * the system property {@code jclip.winograd} {@code false} computes them as products, giving
     * the model's bits.
     */
    static final boolean WINOGRAD = !"false".equalsIgnoreCase(System.getProperty("jclip.winograd", "").trim());

    private final ModifiedResNet resnet;
    private final FoldedConv conv1, conv2, conv3;
    private final BottleneckPlan[] blocks;
    private final int early;
    private final AttentionPoolPlan attnpool;

    ResNetPlan(ModifiedResNet resnet) {
        this(resnet, WINOGRAD);
    }

    /** The plan of {@code resnet}, its 3×3 convolutions by Winograd's algorithm when {@code winograd}. */
    ResNetPlan(ModifiedResNet resnet, boolean winograd) {
        this.resnet = resnet;
        StateDict sd = resnet.stateDict();
        conv1 = FoldedConv.of(sd, "conv1.weight", "bn1", 2, 1, true, winograd);
        conv2 = FoldedConv.of(sd, "conv2.weight", "bn2", 1, 1, true, winograd);
        conv3 = FoldedConv.of(sd, "conv3.weight", "bn3", 1, 1, true, winograd);
        int[] layers = resnet.layers();
        int total = 0;
        for (int n : layers) {
            total += n;
        }
        blocks = new BottleneckPlan[total];
        for (int stage = 0, k = 0; stage < layers.length; stage++) {
            for (int j = 0; j < layers[stage]; j++) {
                blocks[k++] = new BottleneckPlan(sd, "layer" + (stage + 1) + "." + j + ".", stage > 0 && j == 0 ? 2 : 1,
                        winograd);
            }
        }
        early = layers[0] + layers[1];
        attnpool = new AttentionPoolPlan(sd, "attnpool.", resnet.heads());
    }

    @Override
    public Tensor encode(Tensor images) {
        Tensor x = trunk(images);
        return attnpool.pool(x.reshape(x.dim(0), -1, x.dim(3)));
    }

    /**
     * {@link ModifiedResNet#trunk} channels-last: images {@code [B, 3, R, R]} to
     * {@code [B, R/32, R/32, 32·width]}, the same bits without Winograd's algorithm. The stem and the
     * first two stages have large activations and small weights, so they run {@link #GROUP} images
     * at a time, whose activations stay in cache (a whole batch's would stream from memory at every
     * convolution); the last two stages, with the large weights, run on the whole batch. Activation
     * arrays are recycled: across the groups, and within each of the last stages (a stage's first
     * block changes the sizes, so the arrays of the stage before are left to the collector); a
     * block's output overwrites its shortcut.
     */
    Tensor trunk(Tensor images) {
        resnet.checkImages(images);
        int b = images.dim(0);
        Buffers buffers = new Buffers();
        Tensor x = null;
        for (int i0 = 0; i0 < b; i0 += GROUP) {
            int g = Math.min(GROUP, b - i0);
            Tensor y = stem(g == b ? images : Views.slice(images, 0, i0, i0 + g), buffers);
            for (int i = 0; i < early; i++) {
                y = blocks[i].apply(y, buffers);
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
            x = blocks[i].apply(x, buffers);
        }
        return x;
    }

    /** The stem: images {@code [G, 3, R, R]} to channels-last {@code [G, R/4, R/4, width]}. */
    private Tensor stem(Tensor images, Buffers buffers) {
        Tensor x = conv1.apply(images, true, null, buffers);
        Tensor y = conv2.apply(x, false, null, buffers);
        buffers.give(x);
        x = conv3.apply(y, false, null, buffers);
        buffers.give(y);
        y = Pool.avgPool2dChannelsLast(x, 2, 2, buffers::take);
        buffers.give(x);
        return y;
    }
}
