package dev.jclip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.op.Activation;
import dev.jclip.op.Attention;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Gather;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.Softmax;
import dev.jclip.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResidualAttentionBlockTest {

    private static Transformer transformer(long seed, boolean layerScale) {
        Transformer t = new Transformer(16, 2, new BlockConfig(4, 40, layerScale ? 0.5f : 0f, Gelu.ERF, BlockConfig.LN_EPS));
        SplittableRandom rng = new SplittableRandom(seed);
        t.stateDict().parameters().values().forEach(p -> {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rng.nextGaussian() * 0.3);
            }
        });
        return t;
    }

    private static Tensor input(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), 1f, shape);
    }

    /**
     * The last block at the pooled tokens alone gives those rows of the full forward, the same
     * bits, and the same gradients (to rounding: the weight gradients sum fewer, all-zero, rows).
     */
    @Test
    void pooledTokensAloneAreThoseRowsOfTheFullForward() {
        int[] at = {4, 0, 2};
        for (boolean layerScale : new boolean[] {false, true}) {
            for (Tensor mask : new Tensor[] {null, Softmax.causalMask(5)}) {
                Transformer full = transformer(1, layerScale), pooled = transformer(1, layerScale);
                Tensor x = input(2, 3, 5, 16);
                Tensor xFull = Tensor.parameter(x.data().clone(), 3, 5, 16), xPooled = Tensor.parameter(x.data().clone(), 3, 5, 16);
                Tensor want = Gather.rows(full.forward(xFull, mask).reshape(15, 16), new int[] {4, 5, 12});
                Tensor got = pooled.forwardAt(xPooled, mask, at);
                assertArrayEquals(want.data(), got.data(), "layer scale " + layerScale + ", mask " + (mask != null));
                float[] up = input(3, 3, 16).data();
                want.backward(up);
                got.backward(up.clone());
                assertClose(xFull.grad(), xPooled.grad(), "input");
                Map<String, Tensor> a = full.stateDict().parameters(), b = pooled.stateDict().parameters();
                a.forEach((name, p) -> assertClose(p.grad(), b.get(name).grad(), name));
            }
        }
    }

    /**
     * Without LayerScale the residual adds happen in the output projections; the values are those of
     * the separate operations of the paper's {@code x + attn(ln_1(x))}, {@code x + mlp(ln_2(x))}, bit for
     * bit, and so are the gradients up to the order their sums are taken in.
     */
    @Test
    void foldedResidualsGiveTheSeparateAddsBits() {
        BlockConfig config = new BlockConfig(4, 40, 0f, Gelu.ERF, BlockConfig.LN_EPS);
        ResidualAttentionBlock block = new ResidualAttentionBlock(16, config);
        SplittableRandom rng = new SplittableRandom(7);
        Map<String, Tensor> p = block.stateDict().parameters();
        p.values().forEach(t -> {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rng.nextGaussian() * 0.3);
            }
        });
        Tensor mask = Softmax.causalMask(5);
        float[] x0 = input(8, 3, 5, 16).data();
        Tensor xBlock = Tensor.parameter(x0.clone(), 3, 5, 16), x = Tensor.parameter(x0.clone(), 3, 5, 16);
        Tensor got = block.forward(xBlock, mask);
        Tensor h = LayerNorm.forward(x, p.get("ln_1.weight"), p.get("ln_1.bias"), BlockConfig.LN_EPS);
        Tensor qkv = Linear.forward(h, p.get("attn.in_proj_weight"), p.get("attn.in_proj_bias"));
        Tensor y = Elementwise.add(x, Linear.forward(Attention.forward(qkv, 4, mask), p.get("attn.out_proj.weight"),
                p.get("attn.out_proj.bias")));
        h = LayerNorm.forward(y, p.get("ln_2.weight"), p.get("ln_2.bias"), BlockConfig.LN_EPS);
        h = Activation.gelu(Linear.forward(h, p.get("mlp.c_fc.weight"), p.get("mlp.c_fc.bias")), Gelu.ERF);
        Tensor want = Elementwise.add(y, Linear.forward(h, p.get("mlp.c_proj.weight"), p.get("mlp.c_proj.bias")));
        assertArrayEquals(want.data(), got.data());
        float[] up = input(9, 3, 5, 16).data();
        got.backward(up.clone());
        want.backward(up);
        assertClose(x.grad(), xBlock.grad(), "input");
    }

    @Test
    void noBlocksPicksTheTokens() {
        Transformer none = new Transformer(16, 0, new BlockConfig(4, 40, 0f, Gelu.QUICK, BlockConfig.LN_EPS));
        Tensor x = input(4, 2, 3, 16);
        Tensor got = none.forwardAt(x, null, new int[] {2, 1});
        assertArrayEquals(java.util.Arrays.copyOfRange(x.data(), 2 * 16, 3 * 16), java.util.Arrays.copyOfRange(got.data(), 0, 16));
        assertArrayEquals(java.util.Arrays.copyOfRange(x.data(), 4 * 16, 5 * 16), java.util.Arrays.copyOfRange(got.data(), 16, 32));
        assertThrows(IllegalArgumentException.class, () -> none.forwardAt(x, null, new int[] {3, 0}));
        assertThrows(IllegalArgumentException.class, () -> none.forwardAt(x, null, new int[] {0}));
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want == null, got == null, what);
        if (want == null) {
            return;
        }
        float max = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        assertTrue(diff <= 1e-5f * Math.max(1, max), what + ": max difference " + diff + " of " + max);
    }
}
