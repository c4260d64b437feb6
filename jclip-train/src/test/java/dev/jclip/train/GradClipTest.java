package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jclip.tensor.Tensor;
import java.util.List;
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
}
