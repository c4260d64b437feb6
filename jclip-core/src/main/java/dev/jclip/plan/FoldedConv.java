package dev.jclip.plan;

import static dev.jclip.plan.InferencePlan.need;

import dev.jclip.kernel.Epilogue;
import dev.jclip.nn.BatchNorm;
import dev.jclip.nn.StateDict;
import dev.jclip.op.BatchNorm2d;
import dev.jclip.op.Conv2d;
import dev.jclip.tensor.Tensor;

/**
 * A bias-free convolution followed by an evaluation-mode batch norm (and ReLU), the norm folded
 * into the product's epilogue as a per-channel scale and shift: the same scale and shift, so the
 * same bits, as the separate batch norm.
 */
record FoldedConv(ConvWeight weight, Epilogue epilogue, int stride, int padding) {

    /** The convolution {@code sd[conv]} with the batch norm named {@code bn} in {@code sd}, then ReLU if {@code relu}. */
    static FoldedConv of(StateDict sd, String conv, String bn, int stride, int padding, boolean relu) {
        float[][] st = BatchNorm2d.evalAffine(need(sd, bn + ".weight"), need(sd, bn + ".bias"),
                need(sd, bn + ".running_mean").data(), need(sd, bn + ".running_var").data(), BatchNorm.EPS);
        Epilogue e = Epilogue.affine(st[0], st[1]);
        return new FoldedConv(new ConvWeight(need(sd, conv)), relu ? e.withRelu() : e, stride, padding);
    }

    /**
     * The convolution of channels-last {@code x} (channels-first when {@code channelsFirst}: the
     * images), {@code residual} (or null) added before the ReLU and overwritten by the output;
     * the output's array comes from {@code buffers}.
     */
    Tensor apply(Tensor x, boolean channelsFirst, Tensor residual, Buffers buffers) {
        return Conv2d.infer(x, channelsFirst, weight.tensor(), weight.packed(buffers), stride, padding, epilogue, residual,
                buffers::take);
    }
}
