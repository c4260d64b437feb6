package dev.jclip.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.op.Attention;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.GradMode;
import dev.jclip.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plan's attention, which skips hidden keys, against the model's ({@link Attention#forward}): the same bits. */
class SelfAttentionTest {

    /** The plan's attention over a batch [B, L, 3D]: B sequences of L tokens. */
    private static Tensor plan(Tensor qkv, int heads, Tensor mask) {
        int b = qkv.dim(0), l = qkv.dim(1);
        return SelfAttention.forward(qkv.reshape(b * l, qkv.dim(2)), heads, mask, Sequences.uniform(b, l), new Buffers());
    }

    private static void assertSameAsTheModel(Tensor qkv, int heads, Tensor mask) {
        try (var _ = GradMode.noGrad()) {
            float[] want = Attention.forward(qkv, heads, mask).data();
            assertArrayEquals(want, plan(qkv, heads, mask).data());
        }
    }

    @Test
    void causalAttentionOverSeveralBlocksOfQueriesGivesTheModelsBits() {
        // 77 tokens (CLIP's context): twelve full panels of six queries and a partial one; two
        // full panels; one partial panel.
        for (int l : new int[] {77, 12, 5}) {
            Tensor qkv = Tensor.randn(new SplittableRandom(l), 2f, 2, l, 3 * 32);
            assertSameAsTheModel(qkv, 4, Softmax.causalMask(l));
            assertSameAsTheModel(qkv, 4, null);
        }
    }

    @Test
    void aMaskHidingOtherKeysOrAWholeRowGivesTheModelsBitsToo() {
        int l = 40;
        float[] m = Softmax.causalMask(l).data();
        m[3 * l + 1] = Float.NEGATIVE_INFINITY;          // a hidden key before visible ones
        for (int j = 0; j < l; j++) {
            m[20 * l + j] = Float.NEGATIVE_INFINITY;     // a query that sees nothing: NaN, as the model
        }
        m[30 * l + 35] = 0;                              // a query that sees a key after its position
        Tensor qkv = Tensor.randn(new SplittableRandom(9), 1f, 3, l, 3 * 16);
        assertSameAsTheModel(qkv, 2, Tensor.of(m, l, l));
        try (var _ = GradMode.noGrad()) {
            assertTrue(Float.isNaN(plan(qkv, 2, Tensor.of(m, l, l)).data()[20 * 16]));
        }
    }

    @Test
    void sequencesOfDifferentLengthsGiveTheModelsBits() {
        // Texts of 77, 3, 20 and 1 tokens laid end to end, under the causal mask of the longest.
        Sequences seqs = Sequences.ofLengths(77, 3, 20, 1);
        Tensor qkv = Tensor.randn(new SplittableRandom(11), 2f, seqs.rows(), 3 * 32);
        for (Tensor mask : new Tensor[] {Softmax.causalMask(80), null}) {
            try (var _ = GradMode.noGrad()) {
                float[] want = Attention.forward(qkv, 4, mask, seqs).data();
                assertArrayEquals(want, SelfAttention.forward(qkv, 4, mask, seqs, new Buffers()).data());
            }
        }
    }

    @Test
    void longSequencesAndHeadsOfPartialPanelsGiveTheModelsBits() {
        // 577 tokens (ViT-L/14 at 336 pixels): the values' product runs in two k blocks, as Gemm's
        // does; heads of 72 (SigLIP so400m) and 40 dimensions end in a partial panel of columns;
        // one of 520 dimensions takes the scores in two k blocks.
        int[][] cases = {{577, 16}, {100, 72}, {30, 40}, {13, 520}};
        for (int[] c : cases) {
            int l = c[0], hd = c[1];
            Tensor qkv = Tensor.randn(new SplittableRandom(l + hd), 1f, 1, l, 3 * 2 * hd);
            assertSameAsTheModel(qkv, 2, Softmax.causalMask(l));
            assertSameAsTheModel(qkv, 2, null);
        }
    }

    @Test
    void onlyTheHiddenKeysAtTheEndOfARowAreSkipped() {
        float[] m = Softmax.causalMask(4).data();
        m[2] = 0;
        m[4 * 3] = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new int[] {3, 2, 3, 4}, SelfAttention.visibleKeys(m, 4, 4));
        assertArrayEquals(new int[] {4, 4, 4, 4}, SelfAttention.visibleKeys(null, 4, 4));
    }
}
