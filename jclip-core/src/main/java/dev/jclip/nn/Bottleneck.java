package dev.jclip.nn;

import dev.jclip.op.Conv2d;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Pool;
import dev.jclip.op.Relu;
import dev.jclip.tensor.Tensor;

/**
 * CLIP's ResNet bottleneck (expansion 4) with anti-aliased downsampling: every
 * convolution has stride 1 and a stride-s average pool comes before {@code conv3}
 * and before the shortcut's 1x1 convolution ({@code downsample.0}, BatchNorm
 * {@code downsample.1}). The shortcut is projected only when the stride or the
 * channel count changes.
 */
public final class Bottleneck extends Module {
    static final int EXPANSION = 4;

    private final int stride;
    private final Tensor conv1, conv2, conv3, downsampleConv;
    private final BatchNorm bn1, bn2, bn3, downsampleBn;

    /** A block from {@code inplanes} to {@code planes * 4} channels, downsampling by {@code stride}. */
    public Bottleneck(int inplanes, int planes, int stride) {
        this.stride = stride;
        conv1 = parameter("conv1.weight", planes, inplanes, 1, 1);
        bn1 = child("bn1", new BatchNorm(planes));
        conv2 = parameter("conv2.weight", planes, planes, 3, 3);
        bn2 = child("bn2", new BatchNorm(planes));
        conv3 = parameter("conv3.weight", planes * EXPANSION, planes, 1, 1);
        bn3 = child("bn3", new BatchNorm(planes * EXPANSION));
        if (stride > 1 || inplanes != planes * EXPANSION) {
            downsampleConv = parameter("downsample.0.weight", planes * EXPANSION, inplanes, 1, 1);
            downsampleBn = child("downsample.1", new BatchNorm(planes * EXPANSION));
        } else {
            downsampleConv = null;
            downsampleBn = null;
        }
    }

    /** {@code x} [B, inplanes, H, W] -> [B, 4·planes, H/stride, W/stride]. */
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forwardRelu(Conv2d.forward(x, conv1, null, 1, 0));
        out = bn2.forwardRelu(Conv2d.forward(out, conv2, null, 1, 1));
        if (stride > 1) {
            out = Pool.avgPool2d(out, stride, stride);
        }
        out = bn3.forward(Conv2d.forward(out, conv3, null, 1, 0));
        Tensor identity = x;
        if (downsampleConv != null) {
            Tensor pooled = stride > 1 ? Pool.avgPool2d(x, stride, stride) : x;
            identity = downsampleBn.forward(Conv2d.forward(pooled, downsampleConv, null, 1, 0));
        }
        return Relu.forward(Elementwise.add(out, identity));
    }
}
