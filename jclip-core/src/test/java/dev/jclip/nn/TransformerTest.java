package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.op.Gather;
import dev.jclip.op.GradCheck;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import dev.jclip.testing.Fixtures;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Transformer#forwardAt}, the pooled-token shortcut both towers take, against the
 * rows of the full forward: the same bits forward, the same gradients backward.
 */
class TransformerTest {
    private static final int B = 3, L = 6, D = 16, HEADS = 2;
    private static final int[] AT = {5, 0, 2};

    private static Transformer randomTransformer(int layers, long seed) {
        Transformer t = new Transformer(D, layers, BlockConfig.openAi(D, HEADS));
        SplittableRandom rng = new SplittableRandom(seed);
        for (Tensor p : t.stateDict().parameters().values()) {
            float[] data = p.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextGaussian() * 0.3);
            }
        }
        return t;
    }

    private static Tensor fullAtRows(Transformer t, Tensor x, Tensor mask) {
        int[] rows = new int[B];
        for (int i = 0; i < B; i++) {
            rows[i] = i * L + AT[i];
        }
        return Gather.rows(t.forward(x, mask).reshape(B * L, D), rows);
    }

    @Test
    void pooledRowsAreTheFullForwardsRowsBitForBit() {
        for (int layers : new int[] {0, 1, 3}) {
            Transformer t = randomTransformer(layers, 1);
            Tensor x = GradCheck.randomParam(2, B, L, D).detach();
            for (Tensor mask : new Tensor[] {Softmax.causalMask(L), null}) {
                try (var _ = GradMode.noGrad()) {
                    Tensor want = fullAtRows(t, x, mask), got = t.forwardAt(x, mask, AT);
                    assertArrayEquals(new int[] {B, D}, got.shape());
                    assertTrue(Fixtures.maxAbs(want.data()) > 0.1, "outputs are not trivially zero");
                    assertArrayEquals(want.data(), got.data(), "layers " + layers + ", mask " + (mask != null));
                }
            }
        }
    }

    @Test
    void pooledRowsHaveTheFullForwardsGradients() {
        Map<String, float[]> want = gradients(false), got = gradients(true);
        assertEquals(want.keySet(), got.keySet());
        for (String name : want.keySet()) {
            double rel = Fixtures.relativeError(got.get(name), want.get(name));
            assertTrue(Fixtures.maxAbs(want.get(name)) > 0, name + " has a gradient");
            assertTrue(rel <= 1e-5, name + ": relative difference " + rel);
        }
    }

    /** Gradients of the input and every parameter of a weighted sum of the pooled rows. */
    private static Map<String, float[]> gradients(boolean pooled) {
        Transformer t = randomTransformer(2, 3);
        t.train(true);
        Tensor x = GradCheck.randomParam(4, B, L, D);
        Tensor mask = Softmax.causalMask(L);
        Tensor out = pooled ? t.forwardAt(x, mask, AT) : fullAtRows(t, x, mask);
        out.backward(GradCheck.randomParam(5, B, D).data());
        Map<String, float[]> grads = new TreeMap<>();
        grads.put("input", x.grad());
        t.stateDict().parameters().forEach((name, p) -> grads.put(name, p.grad()));
        return grads;
    }

    @Test
    void rejectsPositionsThatDoNotFitTheBatch() {
        Transformer t = randomTransformer(1, 6);
        Tensor x = Tensor.zeros(B, L, D);
        assertThrows(IllegalArgumentException.class, () -> t.forwardAt(x, null, new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> t.forwardAt(x, null, new int[] {0, L, 0}));
        // A position past its own sequence must not quietly pick a token of the next one.
        ResidualAttentionBlock block = new ResidualAttentionBlock(D, BlockConfig.openAi(D, HEADS));
        MultiheadAttention attn = new MultiheadAttention(D, HEADS);
        try (var _ = GradMode.noGrad()) {
            assertThrows(IllegalArgumentException.class, () -> block.forwardAt(x, null, new int[] {L + 1, 0, 0}));
            assertThrows(IllegalArgumentException.class, () -> attn.forwardAt(x, null, new int[] {0, -1, 0}, null));
        }
    }
}
