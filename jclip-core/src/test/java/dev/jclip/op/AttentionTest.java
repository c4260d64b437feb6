package dev.jclip.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.compute.Parallel;
import dev.jclip.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AttentionTest {

    @Test
    void valuesByHand() {
        // One head of width 2 (scale 1/√2), two tokens, causal mask. Token 0 sees only itself: out = v0.
        // Token 1: scores (q1·k0, q1·k1)/√2 = (ln 3, 0), so P = (3/4, 1/4) and out = 3/4·v0 + 1/4·v1.
        float k0 = (float) (Math.sqrt(2) * Math.log(3));
        Tensor qkv = Tensor.of(new float[] {
                5, 5, k0, 0, 4, 0,     // token 0: q0, k0, v0
                1, 1, 0, 0, 0, 8},     // token 1: q1, k1, v1
                1, 2, 6);
        Tensor out = Attention.forward(qkv, 1, Softmax.causalMask(2));
        assertArrayEquals(new int[] {1, 2, 2}, out.shape());
        assertArrayEquals(new float[] {4, 0, 3, 2}, out.data(), 1e-6f);
    }

    /** The definition with plain loops in double precision: heads side by side in q, k, v. */
    private static float[] naive(float[] x, int b, int l, int d, int heads, float[] mask) {
        int hd = d / heads;
        float[] out = new float[b * l * d];
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < l; i++) {
                    double[] s = new double[l];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < l; j++) {
                        for (int c = 0; c < hd; c++) {
                            s[j] += (double) x[(n * l + i) * 3 * d + h * hd + c] * x[(n * l + j) * 3 * d + d + h * hd + c];
                        }
                        s[j] = s[j] / Math.sqrt(hd) + (mask == null ? 0 : mask[i * l + j]);
                        max = Math.max(max, s[j]);
                    }
                    for (int j = 0; j < l; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < hd; c++) {
                        double acc = 0;
                        for (int j = 0; j < l; j++) {
                            acc += s[j] / sum * x[(n * l + j) * 3 * d + 2 * d + h * hd + c];
                        }
                        out[(n * l + i) * d + h * hd + c] = (float) acc;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void matchesTheDefinitionForSeveralHeadsWithAndWithoutMask() {
        Tensor qkv = GradCheck.randomParam(11, 3, 7, 3 * 12).detach();
        Tensor mask = Softmax.causalMask(7);
        assertArrayEquals(naive(qkv.data(), 3, 7, 12, 3, mask.data()), Attention.forward(qkv, 3, mask).data(), 1e-5f);
        assertArrayEquals(naive(qkv.data(), 3, 7, 12, 3, null), Attention.forward(qkv, 3, null).data(), 1e-5f);
    }

    @Test
    void gradients() {
        Tensor qkv = GradCheck.randomParam(12, 2, 5, 3 * 8);
        GradCheck.check(in -> Attention.forward(in[0], 2, Softmax.causalMask(5)), 1e-2, 2e-3, qkv);
        GradCheck.check(in -> Attention.forward(in[0], 4, null), 1e-2, 2e-3, qkv);
    }

    @Test
    void sameBitsForAnyThreadCount() {
        float[][] outs = new float[2][], grads = new float[2][];
        int[] threads = {1, 3};
        for (int r = 0; r < 2; r++) {
            int run = r;
            try (Parallel pool = Parallel.of(threads[r])) {
                pool.run(() -> {
                    Tensor qkv = GradCheck.randomParam(13, 4, 9, 3 * 16);
                    Tensor out = Attention.forward(qkv, 4, Softmax.causalMask(9));
                    float[] up = GradCheck.randomParam(14, 4, 9, 16).data();
                    out.backward(up);
                    outs[run] = out.data();
                    grads[run] = qkv.grad();
                });
            }
        }
        assertArrayEquals(outs[0], outs[1]);
        assertArrayEquals(grads[0], grads[1]);
    }

    @Test
    void oneTokenPerSequenceIsThatRowOfTheFullAttentionBitForBit() {
        Tensor qkv = GradCheck.randomParam(15, 3, 7, 3 * 12).detach();
        int[] at = {6, 0, 3};
        for (Tensor mask : new Tensor[] {Softmax.causalMask(7), null}) {
            float[] full = Attention.forward(qkv, 3, mask).data();
            float[] rows = Attention.forwardAt(qkv, 3, mask, at).data();
            for (int s = 0; s < 3; s++) {
                for (int c = 0; c < 12; c++) {
                    assertEquals(full[(s * 7 + at[s]) * 12 + c], rows[s * 12 + c], "sequence " + s + " channel " + c);
                }
            }
        }
    }

    @Test
    void oneTokenPerSequenceGradients() {
        Tensor qkv = GradCheck.randomParam(16, 3, 5, 3 * 8);
        GradCheck.check(in -> Attention.forwardAt(in[0], 2, Softmax.causalMask(5), new int[] {4, 1, 0}), 1e-2, 2e-3, qkv);
        GradCheck.check(in -> Attention.forwardAt(in[0], 4, null, new int[] {0, 0, 2}), 1e-2, 2e-3, qkv);
    }

    @Test
    void oneTokenPerSequenceRejectsBadPositions() {
        Tensor qkv = Tensor.zeros(2, 3, 6);
        assertThrows(IllegalArgumentException.class, () -> Attention.forwardAt(qkv, 1, null, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Attention.forwardAt(qkv, 1, null, new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> Attention.forwardAt(qkv, 1, null, new int[] {-1, 0}));
    }

    /** Sequences of lengths 5, 1 and 3 laid end to end: 9 tokens of width 3·8 in all. */
    private static final Sequences RAGGED = Sequences.ofLengths(5, 1, 3);

    /** Rows {@code [from, to)} of {@code x} [N, C] as a batch of one sequence [1, to − from, C]. */
    private static Tensor sequence(Tensor x, int from, int to) {
        int c = x.dim(1);
        return Tensor.of(Arrays.copyOfRange(x.data(), from * c, to * c), 1, to - from, c);
    }

    @Test
    void sequencesLaidEndToEndAreEachAttendedAloneBitForBit() {
        Tensor qkv = GradCheck.randomParam(17, RAGGED.rows(), 3 * 8).detach();
        Tensor wideMask = Softmax.causalMask(7);   // wider than the longest: each takes its top-left block
        for (Tensor mask : new Tensor[] {wideMask, null}) {
            float[] packed = Attention.forward(qkv, 2, mask, RAGGED).data();
            float[] rows = Attention.forwardAt(qkv, 2, mask, RAGGED, new int[] {2, 0, 2}).data();
            for (int s = 0; s < RAGGED.count(); s++) {
                int from = RAGGED.start(s), l = RAGGED.length(s);
                float[] alone = Attention.forward(sequence(qkv, from, from + l), 2,
                        mask == null ? null : Softmax.causalMask(l)).data();
                assertArrayEquals(alone, Arrays.copyOfRange(packed, from * 8, (from + l) * 8), "sequence " + s);
                int at = s == 1 ? 0 : 2;
                assertArrayEquals(Arrays.copyOfRange(alone, at * 8, at * 8 + 8), Arrays.copyOfRange(rows, s * 8, s * 8 + 8),
                        "sequence " + s + " at " + at);
            }
        }
    }

    @Test
    void sequencesLaidEndToEndMatchTheDefinition() {
        Tensor qkv = GradCheck.randomParam(18, RAGGED.rows(), 3 * 12).detach();
        float[] packed = Attention.forward(qkv, 3, Softmax.causalMask(5), RAGGED).data();
        for (int s = 0; s < RAGGED.count(); s++) {
            int from = RAGGED.start(s), l = RAGGED.length(s);
            float[] want = naive(Arrays.copyOfRange(qkv.data(), from * 36, (from + l) * 36), 1, l, 12, 3,
                    Softmax.causalMask(l).data());
            assertArrayEquals(want, Arrays.copyOfRange(packed, from * 12, (from + l) * 12), 1e-5f, "sequence " + s);
        }
    }

    @Test
    void sequencesLaidEndToEndGradients() {
        Tensor qkv = GradCheck.randomParam(19, RAGGED.rows(), 3 * 8);
        GradCheck.check(in -> Attention.forward(in[0], 2, Softmax.causalMask(5), RAGGED), 1e-2, 2e-3, qkv);
        GradCheck.check(in -> Attention.forward(in[0], 4, null, RAGGED), 1e-2, 2e-3, qkv);
        GradCheck.check(in -> Attention.forwardAt(in[0], 2, Softmax.causalMask(6), RAGGED, new int[] {4, 0, 1}), 1e-2,
                2e-3, qkv);
    }

    @Test
    void queriesApartGiveTheSameBitsAndGradients() {
        Tensor qkv = GradCheck.randomParam(20, RAGGED.rows(), 3 * 8).detach();
        int[] at = {4, 0, 1};
        float[] q = new float[RAGGED.count() * 8], kv = new float[RAGGED.rows() * 16];
        for (int s = 0; s < RAGGED.count(); s++) {
            System.arraycopy(qkv.data(), (RAGGED.start(s) + at[s]) * 24, q, s * 8, 8);
        }
        for (int r = 0; r < RAGGED.rows(); r++) {
            System.arraycopy(qkv.data(), r * 24 + 8, kv, r * 16, 16);
        }
        for (Tensor mask : new Tensor[] {Softmax.causalMask(5), null}) {
            float[] want = Attention.forwardAt(qkv, 2, mask, RAGGED, at).data();
            Tensor got = Attention.forwardAt(Tensor.of(q, RAGGED.count(), 8), Tensor.of(kv, RAGGED.rows(), 16), 2, mask,
                    RAGGED, at);
            assertArrayEquals(new int[] {RAGGED.count(), 8}, got.shape());
            assertArrayEquals(want, got.data());
        }
        GradCheck.check(in -> Attention.forwardAt(in[0], in[1], 2, Softmax.causalMask(5), RAGGED, at), 1e-2, 2e-3,
                GradCheck.randomParam(21, RAGGED.count(), 8), GradCheck.randomParam(22, RAGGED.rows(), 16));
        assertThrows(IllegalArgumentException.class, () -> Attention.forwardAt(Tensor.of(q, RAGGED.count(), 8),
                Tensor.of(kv, RAGGED.rows(), 16), 3, null, RAGGED, at));
        assertThrows(IllegalArgumentException.class, () -> Attention.forwardAt(Tensor.of(q, RAGGED.count(), 8),
                Tensor.zeros(RAGGED.rows(), 8), 2, null, RAGGED, at));
    }

    @Test
    void sequencesMustCoverTheTokensAndFitTheMask() {
        Tensor qkv = Tensor.zeros(RAGGED.rows(), 6);
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(Tensor.zeros(8, 6), 1, null, RAGGED));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(qkv, 1, Softmax.causalMask(4), RAGGED));
        assertThrows(IllegalArgumentException.class,
                () -> Attention.forwardAt(qkv, 1, null, RAGGED, new int[] {0, 1, 0}));
        assertThrows(IllegalArgumentException.class, () -> Sequences.ofLengths(3, 0));
    }

    @Test
    void rejectsBadShapesAndTrainableMasks() {
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(Tensor.zeros(1, 2, 8), 2, null));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(Tensor.zeros(1, 2, 9), 2, null));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(Tensor.zeros(1, 2, 6), 1, Softmax.causalMask(3)));
        assertThrows(IllegalArgumentException.class,
                () -> Attention.forward(Tensor.zeros(1, 2, 6), 1, GradCheck.randomParam(1, 2, 2)));
    }
}
