package dev.jclip.kernel;

/**
 * Work fused into a GEMM while it writes each output tile, saving a pass over C:
 * {@code C[i][j] = act(sum + bias[j]) + residual[residualOff + i * ldr + j]},
 * where {@code sum} is the product (plus the old C when accumulating) and
 * {@code act} is QuickGELU ({@code x * sigmoid(1.702 x)}) or the identity.
 *
 * @param bias        per-column bias of length at least n, or null
 * @param quickGelu   whether to apply QuickGELU after the bias
 * @param residual    matrix added last, laid out like C with row stride {@code ldr}, or null;
 *                    it must not overlap C
 * @param residualOff offset of the residual's first element
 * @param ldr         row stride of the residual
 */
public record Epilogue(float[] bias, boolean quickGelu, float[] residual, int residualOff, int ldr) {

    /** Nothing fused: a start for {@link #withQuickGelu()} and {@link #withResidual}. */
    public static final Epilogue NONE = new Epilogue(null, false, null, 0, 0);

    /** Adds {@code bias[j]} to every element of column j. */
    public static Epilogue bias(float[] bias) {
        return new Epilogue(bias, false, null, 0, 0);
    }

    /** Adds a residual matrix laid out like C (offset {@code off}, row stride {@code ld}). */
    public static Epilogue residual(float[] residual, int off, int ld) {
        return new Epilogue(null, false, residual, off, ld);
    }

    /** This epilogue with QuickGELU applied after the bias. */
    public Epilogue withQuickGelu() {
        return new Epilogue(bias, true, residual, residualOff, ldr);
    }

    /** This epilogue with a residual added last. */
    public Epilogue withResidual(float[] residual, int off, int ld) {
        return new Epilogue(bias, quickGelu, residual, off, ld);
    }
}
