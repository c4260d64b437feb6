package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradClipTest {

    @Test
    void clipsToGlobalNorm() {
        Tensor a = Tensor.parameter(new float[2], 2), b = Tensor.parameter(new float[1], 1);
        a.gradForAccumulation()[0] = 3;
        b.gradForAccumulation()[0] = 4;               // global norm 5
        assertEquals(5.0, GradClip.clip(List.of(a, b), 1.0), 1e-9);
        assertEquals(0.6f, a.grad()[0], 1e-6f);
        assertEquals(0.8f, b.grad()[0], 1e-6f);
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-6);
    }

    /** Gradients of several chunks each: the norm of the plain double sum, the same bits on any pool. */
    @Test
    void normOfManyChunksIsThePlainSumsAndIndependentOfThreads() {
        SplittableRandom rng = new SplittableRandom(5);
        List<Tensor> params = List.of(Tensor.parameter(new float[200_003], 200_003), Tensor.parameter(new float[7], 7),
                Tensor.parameter(new float[70_000], 70_000));
        double sq = 0;
        for (Tensor p : params) {
            float[] g = p.gradForAccumulation();
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rng.nextGaussian();
                sq += (double) g[i] * g[i];
            }
        }
        double want = Math.sqrt(sq);
        Double[] norms = new Double[3];
        for (int threads = 1; threads <= 3; threads++) {
            try (Parallel pool = Parallel.of(threads)) {
                norms[threads - 1] = pool.call(() -> GradClip.globalNorm(params));
            }
            assertEquals(want, norms[threads - 1], want * 1e-12);
            assertEquals(norms[0], norms[threads - 1], threads + " threads");
        }
        float before = params.get(2).grad()[69_999];
        try (Parallel pool = Parallel.of(2)) {
            pool.call(() -> GradClip.clip(params, 1.0));
        }
        assertEquals(before * (float) (1.0 / (want + 1e-6)), params.get(2).grad()[69_999], 0f);
    }
}
