package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.io.SafeTensors;
import dev.jclip.tensor.Tensor;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Activation#gelu} against PyTorch 2.13's float32 CPU outputs and gradients
 * ({@code parity/make_gelu_cases.py}): a dense sweep of [-10, 10], magnitudes from 2^-149 to
 * the largest float, ±0, ±inf and NaN. NaN must meet NaN; every other value is checked.
 */
class GeluParityTest {
    private static float[] x;
    private static SafeTensors reference;

    @BeforeAll
    static void load() throws Exception {
        URL url = GeluParityTest.class.getResource("/parity/gelu/gelu.safetensors");
        assertNotNull(url, "missing test resource parity/gelu/gelu.safetensors");
        reference = SafeTensors.open(Path.of(url.toURI()));
        x = reference.floats("x");
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    /**
     * The forward pass: ERF the same bits as PyTorch's (oneDNN's Abramowitz-Stegun kernel,
     * mirrored); QUICK within 4 ulps (PyTorch's sigmoid has another exp); TANH within 2 ulps plus, where
     * {@code 1 + tanh} cancels, {@code 2^-24·|x|/2}: one ulp of tanh near ±1 (SLEEF's tanhf is
     * within 1 ulp, not correctly rounded).
     */
    @ParameterizedTest
    @EnumSource(Gelu.class)
    void forwardMatchesPyTorch(Gelu kind) {
        float[] want = reference.floats(name(kind));
        float[] got = Activation.gelu(Tensor.of(x.clone(), x.length), kind).data();
        Worst worst = new Worst();
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(want[i]) || Float.isNaN(got[i])) {
                assertTrue(Float.isNaN(want[i]) && Float.isNaN(got[i]), kind + "(" + x[i] + ") = " + got[i] + ", want " + want[i]);
                continue;
            }
            if (Float.isInfinite(want[i]) || Float.isInfinite(got[i])) {
                assertEquals(want[i], got[i], kind + "(" + x[i] + ")");
                continue;
            }
            worst.add(x[i], got[i], want[i]);
            String what = kind + "(" + x[i] + ") = " + got[i] + ", want " + want[i];
            switch (kind) {
                case ERF -> assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what);
                case QUICK -> assertTrue(Math.abs((double) got[i] - want[i]) <= 4 * Math.ulp(want[i]), what);
                case TANH -> assertTrue(Math.abs((double) got[i] - want[i]) <= 2 * Math.ulp(want[i]) + Math.abs(x[i]) * 0x1p-25, what);
            }
        }
        System.out.println("forward " + kind + ": " + worst);
    }

    /**
     * The backward pass against PyTorch's gradients (float32: oneDNN's for ERF, autograd of
     * {@code x·sigmoid(1.702x)} for QUICK): within 1e-6 absolute (the derivatives are at most 1.13)
     * or 4 ulps, where both are finite.
     */
    @ParameterizedTest
    @EnumSource(Gelu.class)
    void gradientMatchesPyTorch(Gelu kind) {
        float[] want = reference.floats("grad." + name(kind));
        Tensor in = Tensor.parameter(x.clone(), x.length);
        float[] ones = new float[x.length];
        Arrays.fill(ones, 1f);
        Activation.gelu(in, kind).backward(ones);
        float[] got = in.grad();
        Worst worst = new Worst();
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(want[i]) || Float.isNaN(got[i])) {
                assertTrue(Float.isNaN(want[i]) && Float.isNaN(got[i]), "d" + kind + "(" + x[i] + ") = " + got[i] + ", want " + want[i]);
                continue;
            }
            if (Float.isInfinite(want[i]) || Float.isInfinite(got[i])) {
                assertEquals(want[i], got[i], "d" + kind + "(" + x[i] + ")");
                continue;
            }
            worst.add(x[i], got[i], want[i]);
            assertTrue(Math.abs((double) got[i] - want[i]) <= Math.max(1e-6, 4 * Math.ulp(want[i])),
                    "d" + kind + "(" + x[i] + ") = " + got[i] + ", want " + want[i]);
        }
        System.out.println("gradient " + kind + ": " + worst);
    }

    private static String name(Gelu kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The largest absolute and relative differences, for the report. */
    private static final class Worst {
        double abs, rel, absAt, relAt;
        int count, same;

        void add(float x, float got, float want) {
            count++;
            same += Float.floatToRawIntBits(got) == Float.floatToRawIntBits(want) ? 1 : 0;
            double d = Math.abs((double) got - want);
            if (d > abs) {
                abs = d;
                absAt = x;
            }
            double r = want == 0 ? (got == 0 ? 0 : Double.POSITIVE_INFINITY) : d / Math.abs(want);
            if (r > rel) {
                rel = r;
                relAt = x;
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d of %d the same bits, max abs %.3g at x=%s, max rel %.3g at x=%s",
                    same, count, abs, (float) absAt, rel, (float) relAt);
        }
    }
}
