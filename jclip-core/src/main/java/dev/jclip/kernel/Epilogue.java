package dev.jclip.kernel;

import dev.jclip.compute.Gelu;

/**
 * Work fused into a GEMM while it writes each output tile, saving passes over C:
 * {@code C[i][j] = post(act(sum · scale[j] + bias[j]) + residual[residualOff + i * ldr + j])},
 * where {@code sum} is the product (plus the old C when accumulating), {@code act} is
 * a {@link Gelu} or the identity, and {@code post} is ReLU
 * ({@code x > 0 ? x : 0}) or the identity. Each part is skipped when absent. A per-column
 * scale and bias are an evaluation-mode batch norm folded into a convolution whose output
 * columns are channels: the product is multiplied, then the bias added (two roundings, as the
 * unfused batch norm does).
 *
 * @param bias        per-column bias of length at least n, or null
 * @param gelu        the activation applied after the bias, or null for none
 * @param residual    matrix added after the activation, laid out like C with row stride
 *                    {@code ldr}, or null; it must not overlap C
 * @param residualOff offset of the residual's first element
 * @param ldr         row stride of the residual
 * @param scale       per-column factor of length at least n, applied before the bias, or null
 * @param relu        whether to apply ReLU last
 */
public record Epilogue(float[] bias, Gelu gelu, float[] residual, int residualOff, int ldr,
                       float[] scale, boolean relu) {

    /** Nothing fused: a start for {@link #withGelu}, {@link #withResidual} and {@link #withRelu()}. */
    public static final Epilogue NONE = new Epilogue(null, null, null, 0, 0);

    /** Bias, activation and residual only. */
    public Epilogue(float[] bias, Gelu gelu, float[] residual, int residualOff, int ldr) {
        this(bias, gelu, residual, residualOff, ldr, null, false);
    }

    /** Adds {@code bias[j]} to every element of column j. */
    public static Epilogue bias(float[] bias) {
        return new Epilogue(bias, null, null, 0, 0);
    }

    /** Adds a residual matrix laid out like C (offset {@code off}, row stride {@code ld}). */
    public static Epilogue residual(float[] residual, int off, int ld) {
        return new Epilogue(null, null, residual, off, ld);
    }

    /** Maps every element of column j to {@code x · scale[j] + shift[j]} (a folded batch norm). */
    public static Epilogue affine(float[] scale, float[] shift) {
        return new Epilogue(shift, null, null, 0, 0, scale, false);
    }

    /** This epilogue with {@code gelu} (null for none) applied after the bias. */
    public Epilogue withGelu(Gelu gelu) {
        return new Epilogue(bias, gelu, residual, residualOff, ldr, scale, relu);
    }

    /** This epilogue with a residual added after the activation. */
    public Epilogue withResidual(float[] residual, int off, int ld) {
        return new Epilogue(bias, gelu, residual, off, ld, scale, relu);
    }

    /** This epilogue with ReLU applied last. */
    public Epilogue withRelu() {
        return new Epilogue(bias, gelu, residual, residualOff, ldr, scale, true);
    }
}
