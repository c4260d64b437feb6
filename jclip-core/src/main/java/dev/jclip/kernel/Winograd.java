package dev.jclip.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transforms of Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016), on channels-last data, vectorized over channels. A 3×3
 * convolution with stride 1 computes each 2×2 block of outputs from the 4×4 block of inputs under
 * it as {@code Y = Aᵀ [Σ_c U_c ⊙ V_c] A}, with {@code U = G g Gᵀ} the 4×4 transform of a 3×3 kernel
 * g and {@code V = Bᵀ d B} that of the 4×4 input tile d:
 * <pre>
 *      | 1  0 -1  0 |       | 1    0    0  |
 * Bᵀ = | 0  1  1  0 |   G = | 1/2  1/2  1/2 |   Aᵀ = | 1  1  1  0 |
 *      | 0 -1  1  0 |       | 1/2 -1/2  1/2 |        | 0  1 -1 -1 |
 *      | 0  1  0 -1 |       | 0    0    1  |
 * </pre>
 * For each of the 16 positions ξ of a tile the sum over input channels is one matrix product,
 * {@code M_ξ [tiles × O] = V_ξ [tiles × C] · U_ξ [C × O]}: 16 products of C·O per four outputs
 * instead of 36, 2.25 times fewer. The transforms only add and subtract (the weight's halves are
 * exact), so the results differ from the direct sum by a few roundings, not by a loss of accuracy.
 *
 * <p>Transformed tiles are laid out as 16 planes, plane ξ holding row t (a tile) at
 * {@code off + ξ·planeStride + t·width}: plane ξ is the row-major matrix {@code V_ξ} or {@code M_ξ}.
 * Each tile is transformed by the same operations wherever it is, so results do not depend on how
 * tiles are split between threads.
 */
public final class Winograd {
    private Winograd() {}

    /** Positions of a transformed tile (4×4). */
    public static final int POSITIONS = 16;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /**
     * The transformed kernels {@code U_ξ} of a weight {@code [O, C, 3, 3]} (row-major in
     * {@code w}): 16 planes of {@code [O × C]} ({@code u[ξ·O·C + oc·C + c]}), each the transpose
     * of the product's B. Computed in double and rounded once.
     */
    public static float[] transformWeight(float[] w, int o, int c) {
        float[] u = new float[Math.multiplyExact(POSITIONS, Math.multiplyExact(o, c))];
        int plane = o * c;
        double[] gg = new double[12];
        for (int k = 0; k < o * c; k++) {
            int g = k * 9;
            // G g: rows 0 and 3 are the kernel's first and last rows, 1 and 2 their half sum and difference with row 1.
            for (int j = 0; j < 3; j++) {
                double g0 = w[g + j], g1 = w[g + 3 + j], g2 = w[g + 6 + j];
                gg[j] = g0;
                gg[3 + j] = (g0 + g1 + g2) / 2;
                gg[6 + j] = (g0 - g1 + g2) / 2;
                gg[9 + j] = g2;
            }
            // (G g) Gᵀ: the same along each row.
            for (int i = 0; i < 4; i++) {
                double t0 = gg[3 * i], t1 = gg[3 * i + 1], t2 = gg[3 * i + 2];
                u[(4 * i) * plane + k] = (float) t0;
                u[(4 * i + 1) * plane + k] = (float) ((t0 + t1 + t2) / 2);
                u[(4 * i + 2) * plane + k] = (float) ((t0 - t1 + t2) / 2);
                u[(4 * i + 3) * plane + k] = (float) t2;
            }
        }
        return u;
    }

    /**
     * {@code V = Bᵀ d B} of the 4×4 tile of {@code c} channels whose element (i, j, ch) is
     * {@code x[base + i·rowStride + j·c + ch]}, into the planes of {@code v} (row {@code vOff} of
     * each: {@code v[vOff + ξ·planeStride + ch]}).
     */
    public static void inputTile(float[] x, int base, int rowStride, int c, float[] v, int vOff, int planeStride) {
        int r0 = base, r1 = base + rowStride, r2 = base + 2 * rowStride, r3 = base + 3 * rowStride;
        for (int ch = 0; ch < c; ch += VL) {
            VectorMask<Float> in = ch + VL <= c ? null : S.indexInRange(ch, c);
            // Bᵀ d row by row of the result (rows 0−2, 1+2, 2−1, 1−3 of d), then each row times B.
            inputRow(x, r0, r2, c, ch, in, false, v, vOff + ch, planeStride, 0);
            inputRow(x, r1, r2, c, ch, in, true, v, vOff + ch, planeStride, 4);
            inputRow(x, r2, r1, c, ch, in, false, v, vOff + ch, planeStride, 8);
            inputRow(x, r1, r3, c, ch, in, false, v, vOff + ch, planeStride, 12);
        }
    }

    /** Row {@code first/4} of {@code V}: {@code (rowA ± rowB) B} (+ when {@code add}) at positions {@code first..first+3}. */
    private static void inputRow(float[] x, int a, int b, int c, int ch, VectorMask<Float> in, boolean add,
                                 float[] v, int vOff, int planeStride, int first) {
        FloatVector e0 = combine(x, a + ch, b + ch, in, add);
        FloatVector e1 = combine(x, a + c + ch, b + c + ch, in, add);
        FloatVector e2 = combine(x, a + 2 * c + ch, b + 2 * c + ch, in, add);
        FloatVector e3 = combine(x, a + 3 * c + ch, b + 3 * c + ch, in, add);
        store(e0.sub(e2), v, vOff + first * planeStride, in);
        store(e1.add(e2), v, vOff + (first + 1) * planeStride, in);
        store(e2.sub(e1), v, vOff + (first + 2) * planeStride, in);
        store(e1.sub(e3), v, vOff + (first + 3) * planeStride, in);
    }

    private static FloatVector combine(float[] x, int a, int b, VectorMask<Float> in, boolean add) {
        FloatVector va = load(x, a, in), vb = load(x, b, in);
        return add ? va.add(vb) : va.sub(vb);
    }

    /**
     * The 2×2 outputs {@code Aᵀ M A} of row {@code mOff} of the planes of {@code m} ({@code o}
     * channels), their first {@code rows × cols} written to
     * {@code y[yOff + r·rowStride + q·o + oc]} through {@code epilogue} (its residual, if any,
     * at {@code residualOff} plus the index in {@code y}; no activation but ReLU).
     */
    public static void outputTile(float[] m, int mOff, int planeStride, int o, float[] y, int yOff, int rowStride,
                                  int rows, int cols, Epilogue epilogue) {
        if (epilogue.gelu() != null) {
            throw new IllegalArgumentException("Winograd: an epilogue with an activation other than ReLU");
        }
        for (int oc = 0; oc < o; oc += VL) {
            VectorMask<Float> in = oc + VL <= o ? null : S.indexInRange(oc, o);
            int m0 = mOff + oc;
            for (int r = 0; r < rows; r++) {
                // Row r of Aᵀ M: rows 0+1+2 of M, or 1−2−3.
                int a = m0 + 4 * r * planeStride, b = a + 4 * planeStride, d = b + 4 * planeStride;
                FloatVector s0 = outputColumn(m, a, b, d, in, r);
                FloatVector s1 = outputColumn(m, a + planeStride, b + planeStride, d + planeStride, in, r);
                FloatVector s2 = outputColumn(m, a + 2 * planeStride, b + 2 * planeStride, d + 2 * planeStride, in, r);
                int at = yOff + r * rowStride + oc;
                finish(s0.add(s1).add(s2), y, at, oc, in, epilogue);
                if (cols > 1) {
                    int p3 = 3 * planeStride;
                    FloatVector s3 = outputColumn(m, a + p3, b + p3, d + p3, in, r);
                    finish(s1.sub(s2).sub(s3), y, at + o, oc, in, epilogue);
                }
            }
        }
    }

    /** Element j of row r of {@code Aᵀ M} from elements j of rows r, r+1 and r+2 of M: their sum (r 0) or a − b − d (r 1). */
    private static FloatVector outputColumn(float[] m, int a, int b, int d, VectorMask<Float> in, int r) {
        FloatVector va = load(m, a, in), vb = load(m, b, in), vd = load(m, d, in);
        return r == 0 ? va.add(vb).add(vd) : va.sub(vb).sub(vd);
    }

    /** {@code value} through the epilogue into {@code y[at..]}, output channels from {@code oc}. */
    private static void finish(FloatVector value, float[] y, int at, int oc, VectorMask<Float> in, Epilogue e) {
        FloatVector v = value;
        if (e.scale() != null) {
            v = v.mul(load(e.scale(), oc, in));
        }
        if (e.bias() != null) {
            v = v.add(load(e.bias(), oc, in));
        }
        if (e.residual() != null) {
            v = v.add(load(e.residual(), e.residualOff() + at, in));
        }
        if (e.relu()) {
            v = v.max(0f);
        }
        store(v, y, at, in);
    }

    private static FloatVector load(float[] a, int i, VectorMask<Float> in) {
        return in == null ? FloatVector.fromArray(S, a, i) : FloatVector.fromArray(S, a, i, in);
    }

    private static void store(FloatVector v, float[] a, int i, VectorMask<Float> in) {
        if (in == null) {
            v.intoArray(a, i);
        } else {
            v.intoArray(a, i, in);
        }
    }
}
