package dev.jclip.kernel;

/**
 * Work fused into a GEMM while it writes each output tile, saving passes over C:
 * {@code C[i][j] = post(act(sum · scale[i] + shift[i] + bias[j]) + residual[residualOff + i * ldr + j])},
 * where {@code sum} is the product (plus the old C when accumulating), {@code act} is
 * QuickGELU ({@code x * sigmoid(1.702 x)}) or the identity, and {@code post} is ReLU
 * ({@code x > 0 ? x : 0}) or the identity. Each part is skipped when absent. The per-row
 * scale and shift are an evaluation-mode batch norm folded into a convolution whose output
 * rows are channels; the product is multiplied, then the shift added (two roundings, as the
 * unfused batch norm does).
 *
 * @param bias        per-column bias of length at least n, or null
 * @param quickGelu   whether to apply QuickGELU after the bias
 * @param residual    matrix added after the activation, laid out like C with row stride
 *                    {@code ldr}, or null; it must not overlap C
 * @param residualOff offset of the residual's first element
 * @param ldr         row stride of the residual
 * @param scale       per-row factor of length at least m, or null (then {@code shift} is null too)
 * @param shift       per-row term of length at least m, added after {@code scale}, or null
 * @param relu        whether to apply ReLU last
 */
public record Epilogue(float[] bias, boolean quickGelu, float[] residual, int residualOff, int ldr,
                       float[] scale, float[] shift, boolean relu) {

    /** Nothing fused: a start for {@link #withQuickGelu()}, {@link #withResidual} and {@link #withRelu()}. */
    public static final Epilogue NONE = new Epilogue(null, false, null, 0, 0);

    /** Rejects a scale without a shift or the other way round. */
    public Epilogue {
        if ((scale == null) != (shift == null)) {
            throw new IllegalArgumentException("epilogue: a per-row scale needs a per-row shift and the other way round");
        }
    }

    /** Bias, QuickGELU and residual only. */
    public Epilogue(float[] bias, boolean quickGelu, float[] residual, int residualOff, int ldr) {
        this(bias, quickGelu, residual, residualOff, ldr, null, null, false);
    }

    /** Adds {@code bias[j]} to every element of column j. */
    public static Epilogue bias(float[] bias) {
        return new Epilogue(bias, false, null, 0, 0);
    }

    /** Adds a residual matrix laid out like C (offset {@code off}, row stride {@code ld}). */
    public static Epilogue residual(float[] residual, int off, int ld) {
        return new Epilogue(null, false, residual, off, ld);
    }

    /** Maps every element of row i to {@code x · scale[i] + shift[i]} (a folded batch norm). */
    public static Epilogue rowAffine(float[] scale, float[] shift) {
        return new Epilogue(null, false, null, 0, 0, scale, shift, false);
    }

    /** This epilogue with QuickGELU applied after the bias. */
    public Epilogue withQuickGelu() {
        return new Epilogue(bias, true, residual, residualOff, ldr, scale, shift, relu);
    }

    /** This epilogue with a residual added after the activation. */
    public Epilogue withResidual(float[] residual, int off, int ld) {
        return new Epilogue(bias, quickGelu, residual, off, ld, scale, shift, relu);
    }

    /** This epilogue with ReLU applied last. */
    public Epilogue withRelu() {
        return new Epilogue(bias, quickGelu, residual, residualOff, ldr, scale, shift, true);
    }
}
