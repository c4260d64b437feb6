package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.io.SafeTensors;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipInit;
import dev.jclip.tensor.Tensor;
import java.net.URL;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SigLIP's sigmoid loss through {@link Clip#logitsPerImage} (with {@code logit_bias}) and
 * {@link Clip#sigmoidLoss} against open_clip's {@code SigLipLoss} in PyTorch
 * ({@code parity/make_siglip_loss_cases.py}): the loss within 1e-4 and the gradients with respect to
 * both features, {@code logit_scale} and {@code logit_bias} within 1e-3, relative; batches of 1 to
 * 16, and logits from −60 to 112 (where a naive log-sigmoid overflows).
 */
class SigmoidLossParityTest {
    private static final ClipConfig TINY = new ClipConfig(4, ClipConfig.Vision.vit(8, 1, 8, 4),
            new ClipConfig.Text(4, 10, 8, 1, 1));
    private static SafeTensors reference;

    @BeforeAll
    static void load() throws Exception {
        URL url = SigmoidLossParityTest.class.getResource("/parity/siglip/loss.safetensors");
        assertNotNull(url, "missing test resource parity/siglip/loss.safetensors");
        reference = SafeTensors.open(Path.of(url.toURI()));
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    static IntStream cases() throws Exception {
        URL url = SigmoidLossParityTest.class.getResource("/parity/siglip/loss.safetensors");
        try (SafeTensors st = SafeTensors.open(Path.of(url.toURI()))) {
            return IntStream.range(0, Integer.parseInt(st.metadata().get("cases")));
        }
    }

    /** A model with a {@code logit_bias}; its towers are not used. */
    private static Clip siglip() {
        Clip clip = TINY.build();
        return new Clip(clip.visual(), clip.text(), true);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void lossAndGradientsMatchOpenClip(int c) {
        Clip clip = siglip();
        clip.logitScale().data()[0] = reference.floats(c + ".logit_scale")[0];
        clip.logitBias().data()[0] = reference.floats(c + ".logit_bias")[0];
        Tensor image = leaf(c + ".image"), text = leaf(c + ".text");
        Tensor loss = Clip.sigmoidLoss(clip.logitsPerImage(image, text));
        float want = reference.floats(c + ".loss")[0];
        assertEquals(want, loss.item(), 1e-4 * Math.abs(want), "loss");
        loss.backward();
        close(c + ".grad.image", image.grad());
        close(c + ".grad.text", text.grad());
        close(c + ".grad.logit_scale", clip.logitScale().grad());
        close(c + ".grad.logit_bias", clip.logitBias().grad());
    }

    /** Only a model built with it has a {@code logit_bias}, and it is a parameter under that name. */
    @Test
    void logitBiasIsAParameterOfSigLipModelsOnly() {
        Clip clip = TINY.build();
        assertNull(clip.logitBias());
        assertNull(clip.stateDict().get("logit_bias"));
        Clip sig = siglip();
        assertTrue(sig.stateDict().parameters().get("logit_bias") == sig.logitBias());
        assertArrayEquals(new int[0], sig.logitBias().shape());
        assertNull(new Clip(clip.visual(), null, true).logitBias(), "a single tower has no logits, so no bias");
    }

    /** Labels are +1 on the diagonal only: two pairs with logits {{2, −1}, {0, 3}} by hand. */
    @Test
    void matchesTheDefinitionByHand() {
        Tensor logits = Tensor.parameter(new float[] {2, -1, 0, 3}, 2, 2);
        Tensor loss = Clip.sigmoidLoss(logits);
        double want = (softplus(-2) + softplus(-1) + softplus(0) + softplus(-3)) / 2;
        assertEquals(want, loss.item(), 1e-6);
        loss.backward();
        // d/dx −log σ(z x) = −z σ(−z x), over B = 2.
        float[] grad = {(float) (-sigmoid(-2) / 2), (float) (sigmoid(-1) / 2), (float) (sigmoid(0) / 2), (float) (-sigmoid(-3) / 2)};
        assertArrayEquals(grad, logits.grad(), 1e-7f);
    }

    /** A model with {@code logit_bias} is a SigLIP model: its forward pass gives the sigmoid loss of its logits. */
    @Test
    void forwardOfASigLipModelGivesTheSigmoidLoss() {
        Clip clip = ClipInit.random(TINY, 3);
        Clip sig = new Clip(clip.visual(), clip.text(), true);
        sig.logitScale().data()[0] = 2.5f;
        sig.logitBias().data()[0] = -4f;
        Tensor images = Tensor.randn(new SplittableRandom(4), 1f, 3, 3, 8, 8);
        int[] tokens = {1, 9, 0, 0, 2, 3, 9, 0, 4, 5, 6, 9};
        Clip.Output withBias = sig.forward(images, tokens), without = clip.forward(images, tokens);
        assertEquals(Clip.sigmoidLoss(withBias.logitsPerImage()).item(), withBias.loss().item());
        assertEquals(Clip.contrastiveLoss(without.logitsPerImage()).item(), without.loss().item());
        clip.logitScale().data()[0] = 2.5f;
        float[] plain = clip.logitsPerImage(without.imageFeatures(), without.textFeatures()).data();
        float[] biased = withBias.logitsPerImage().data();
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i] - 4f, biased[i], 1e-5f, "logit " + i + " is shifted by the bias");
        }
    }

    @Test
    void refusesNonSquareLogits() {
        String m = assertThrows(IllegalArgumentException.class, () -> Clip.sigmoidLoss(Tensor.zeros(2, 3))).getMessage();
        assertTrue(m.contains("[2, 3]"), m);
    }

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static Tensor leaf(String name) {
        return Tensor.parameter(reference.floats(name), reference.info(name).shape());
    }

    /** Within 1e-3 of the largest reference magnitude. */
    private static void close(String name, float[] got) {
        float[] want = reference.floats(name);
        assertEquals(want.length, got.length, name);
        float max = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        assertTrue(diff <= 1e-3f * max, name + ": max difference " + diff + " of " + max);
    }
}
