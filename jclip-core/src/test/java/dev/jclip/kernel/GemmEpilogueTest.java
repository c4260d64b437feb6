package dev.jclip.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.compute.Gelu;
import dev.jclip.compute.Parallel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An epilogue fused into the product gives the bits of the same steps run one after another:
 * the plain product (adding the old C when accumulating), then a scalar pass for the scale and
 * bias, {@link VectorMath#gelu} over the whole matrix, and a scalar pass for the residual and
 * ReLU. Checked for every combination of the parts and every activation, on products mostly of
 * full tiles (which apply the epilogue in registers) with edge tiles around them, over one and
 * several k blocks, on one and on two threads.
 */
class GemmEpilogueTest {

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(-4, 3)));
        }
        return x;
    }

    /** C of {@code m×n} with row stride {@code ldc} from offset 5, after the product and then the epilogue step by step. */
    private static float[] unfused(int m, int n, int k, float[] a, float[] b, float[] c0, int ldc, boolean accumulate,
                                   Epilogue e) {
        float[] c = c0.clone();
        Gemm.sgemm(m, n, k, Operand.of(a, 0, k), Operand.of(b, 0, k).t(), c, 5, ldc, accumulate, null);
        float[] pre = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float x = c[5 + i * ldc + j];
                if (e.scale() != null) {
                    x *= e.scale()[j];
                }
                if (e.bias() != null) {
                    x += e.bias()[j];
                }
                pre[i * n + j] = x;
            }
        }
        if (e.gelu() != null) {
            VectorMath.gelu(e.gelu(), pre, 0, pre, 0, pre.length);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float x = pre[i * n + j];
                if (e.residual() != null) {
                    x += e.residual()[e.residualOff() + i * e.ldr() + j];
                }
                if (e.relu()) {
                    x = x > 0 ? x : 0f;
                }
                c[5 + i * ldc + j] = x;
            }
        }
        return c;
    }

    private static void check(int m, int n, int k, boolean accumulate, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int ldc = n + 3, ldr = n + 1;
        float[] a = random(rng, m * k), b = random(rng, n * k), c = random(rng, 5 + m * ldc);
        float[] bias = random(rng, n), scale = random(rng, n), residual = random(rng, 2 + m * ldr);
        for (int parts = 0; parts < 16; parts++) {
            for (int act = 0; act <= Gelu.values().length; act++) {
                Gelu gelu = act == 0 ? null : Gelu.values()[act - 1];
                Epilogue e = new Epilogue((parts & 1) != 0 ? bias : null, gelu, (parts & 2) != 0 ? residual : null, 2, ldr,
                        (parts & 4) != 0 ? scale : null, (parts & 8) != 0);
                float[] want = unfused(m, n, k, a, b, c, ldc, accumulate, e);
                float[] got = c.clone();
                String what = "m=" + m + " n=" + n + " k=" + k + " accumulate=" + accumulate + " bias=" + ((parts & 1) != 0)
                        + " residual=" + ((parts & 2) != 0) + " scale=" + ((parts & 4) != 0) + " relu=" + ((parts & 8) != 0)
                        + " gelu=" + gelu + ", element ";
                Gemm.sgemm(m, n, k, Operand.of(a, 0, k), Operand.of(b, 0, k).t(), got, 5, ldc, accumulate, e);
                for (int i = 0; i < want.length; i++) {
                    int at = i;
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), () -> what + at);
                }
            }
        }
    }

    @Test
    void fusedEpiloguesGiveTheBitsOfTheStepsOneAfterAnother() {
        long seed = 1;
        // 24×64: full tiles only; 31×70: edge tiles in both directions; k = 1100: three k blocks.
        for (int[] s : new int[][] {{24, 64, 40}, {31, 70, 7}, {31, 70, 1100}, {12, 32, 513}}) {
            check(s[0], s[1], s[2], false, seed++);
            check(s[0], s[1], s[2], true, seed++);
        }
    }

    @Test
    void fusedEpiloguesGiveTheSameBitsOnTwoThreads() {
        try (Parallel pool = Parallel.of(2)) {
            pool.run(() -> {
                check(61, 100, 600, true, 7);
                check(60, 96, 64, false, 8);
            });
        }
    }
}
