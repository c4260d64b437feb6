package dev.jclip.plan;

import dev.jclip.nn.Bottleneck;
import dev.jclip.nn.StateDict;
import dev.jclip.op.Pool;
import dev.jclip.tensor.Tensor;

/**
 * A {@link Bottleneck} for inference on channels-last activations {@code [B, H, W, C]}: each batch
 * norm, the residual and the ReLUs are fused into the convolutions, so only the convolutions and
 * pools write activations.
 */
final class BottleneckPlan {
    private final int stride;
    private final FoldedConv conv1, conv2, conv3, downsample;

    /**
     * The block named {@code prefix + "conv1.weight"} and so on in {@code sd}, its 3×3 convolution
     * by Winograd's algorithm when {@code winograd}.
     */
    BottleneckPlan(StateDict sd, String prefix, int stride, boolean winograd) {
        this.stride = stride;
        conv1 = FoldedConv.of(sd, prefix + "conv1.weight", prefix + "bn1", 1, 0, true, false);
        conv2 = FoldedConv.of(sd, prefix + "conv2.weight", prefix + "bn2", 1, 1, true, winograd);
        conv3 = FoldedConv.of(sd, prefix + "conv3.weight", prefix + "bn3", 1, 0, true, false);
        downsample = sd.get(prefix + "downsample.0.weight") == null ? null
                : FoldedConv.of(sd, prefix + "downsample.0.weight", prefix + "downsample.1", 1, 0, false, false);
    }

    /** Whether this block projects its shortcut, changing the activation's size: the first of a stage. */
    boolean projects() {
        return downsample != null;
    }

    /**
     * The block's output, into arrays from {@code buffers}. Consumes {@code x}: its array is given
     * back to {@code buffers}, or overwritten by the output when it is the shortcut.
     */
    Tensor apply(Tensor x, Buffers buffers) {
        Tensor out = conv1.apply(x, false, null, buffers);
        Tensor mid = conv2.apply(out, false, null, buffers);
        buffers.give(out);
        if (stride > 1) {
            Tensor pooled = Pool.avgPool2dChannelsLast(mid, stride, stride, buffers::take);
            buffers.give(mid);
            mid = pooled;
        }
        Tensor identity = x;
        if (downsample != null) {
            Tensor pooled = stride > 1 ? Pool.avgPool2dChannelsLast(x, stride, stride, buffers::take) : x;
            identity = downsample.apply(pooled, false, null, buffers);
            if (pooled != x) {
                buffers.give(pooled);
            }
            buffers.give(x);
        }
        Tensor y = conv3.apply(mid, false, identity, buffers);
        buffers.give(mid);
        return y;
    }
}
