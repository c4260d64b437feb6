package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.kernel.Epilogue;
import dev.jclip.kernel.PackedB;
import dev.jclip.nn.BatchNorm;
import dev.jclip.nn.StateDict;
import dev.jclip.op.BatchNorm2d;
import dev.jclip.op.Conv2d;
import dev.jclip.op.WinogradConv2d;
import dev.jclip.tensor.Tensor;

/**
 * A bias-free convolution followed by an evaluation-mode batch norm (and ReLU), the norm folded
 * into the product's epilogue as a per-channel scale and shift: the same scale and shift, so the
 * same bits, as the separate batch norm. A 3×3 convolution with stride 1 and padding 1 may run
 * by Winograd's F(2×2, 3×3) ({@link WinogradConv2d}, its weight in {@code winograd}), any other
 * as a product ({@link Conv2d#infer}, its weight in {@code direct}); the other one is null.
 */
record FoldedConv(ConvWeight<PackedB> direct, ConvWeight<WinogradConv2d.Weight> winograd, Epilogue epilogue,
                  int stride, int padding) {

    /**
     * The convolution {@code sd[conv]} with the batch norm named {@code bn} in {@code sd}, then
     * ReLU if {@code relu}; by Winograd's algorithm where {@code winograd} and it applies.
     */
    static FoldedConv of(StateDict sd, String conv, String bn, int stride, int padding, boolean relu, boolean winograd) {
        float[][] st = BatchNorm2d.evalAffine(need(sd, bn + ".weight"), need(sd, bn + ".bias"),
                need(sd, bn + ".running_mean").data(), need(sd, bn + ".running_var").data(), BatchNorm.EPS);
        Epilogue e = Epilogue.affine(st[0], st[1]);
        Epilogue epilogue = relu ? e.withRelu() : e;
        Tensor w = need(sd, conv);
        return winograd && WinogradConv2d.applies(w, stride, padding)
                ? new FoldedConv(null, ConvWeight.winograd(w), epilogue, stride, padding)
                : new FoldedConv(ConvWeight.direct(w), null, epilogue, stride, padding);
    }

    /**
     * The convolution of channels-last {@code x} (channels-first when {@code channelsFirst}: the
     * images, which Winograd's algorithm does not take), {@code residual} (or null) added before
     * the ReLU and overwritten by the output; the output's array comes from {@code buffers}.
     */
    Tensor apply(Tensor x, boolean channelsFirst, Tensor residual, Buffers buffers) {
        if (winograd == null) {
            return Conv2d.infer(x, channelsFirst, direct.tensor(), direct.packed(buffers), stride, padding, epilogue, residual,
                    buffers::take);
        }
        if (channelsFirst) {
            throw new IllegalArgumentException("a convolution by Winograd's algorithm takes channels-last activations");
        }
        return WinogradConv2d.infer(x, winograd.packed(buffers), epilogue, residual, buffers::take);
    }
}
