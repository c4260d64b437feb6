package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.compute.Gelu;
import dev.jclip.op.Activation;
import dev.jclip.op.Attention;
import dev.jclip.op.Elementwise;
import dev.jclip.op.Embedding;
import dev.jclip.op.Gather;
import dev.jclip.op.LayerNorm;
import dev.jclip.op.Linear;
import dev.jclip.op.MatMul;
import dev.jclip.op.Normalize;
import dev.jclip.op.Reduce;
import dev.jclip.op.Sequences;
import dev.jclip.op.Softmax;
import dev.jclip.op.Views;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkspaceTest {

    @Test
    void outsideARunArraysAreNewZeros() {
        float[] a = Workspace.floats(4), b = Workspace.floats(4);
        assertNotSame(a, b);
        assertArrayEquals(new float[4], a);
        try (var scope = Workspace.scope()) {
            assertNotSame(a, Workspace.zeros(4));
        }
    }

    /** The next run takes the arrays the last one handed out, by size; zeros clears a reused one. */
    @Test
    void aRunReusesTheArraysOfTheLast() {
        Workspace w = new Workspace();
        float[][] first = w.run(() -> new float[][] {Workspace.floats(8), Workspace.zeros(3)});
        first[0][5] = 7;
        first[1][1] = 9;
        float[][] second = w.run(() -> new float[][] {Workspace.zeros(8), Workspace.floats(3)});
        assertSame(first[0], second[0]);
        assertSame(first[1], second[1]);
        assertArrayEquals(new float[8], second[0]);
        assertEquals(11, w.heldElements());
    }

    @Test
    void aScopeGivesBackOnlyWhatItHandedOut() {
        Workspace w = new Workspace();
        w.run(() -> {
            float[] outer = Workspace.floats(5), inner;
            try (var scope = Workspace.scope()) {
                inner = Workspace.floats(5);
            }
            assertSame(inner, Workspace.floats(5));
            float[] fresh = Workspace.floats(5);
            assertNotSame(outer, fresh);
            assertNotSame(inner, fresh);
            return null;
        });
        assertEquals(15, w.heldElements());
    }

    /**
     * Steps whose sizes change do not pile up arrays of every size: after a run the workspace keeps
     * only arrays of the sizes that run took, as many of each as it had in use at once.
     */
    @Test
    void aRunKeepsOnlyArraysOfTheSizesItTook() {
        Workspace w = new Workspace();
        float[][] first = w.run(() -> new float[][] {Workspace.floats(100), Workspace.floats(200)});
        assertEquals(300, w.heldElements());
        float[] kept = w.run(() -> {
            float[] a = Workspace.floats(200);
            Workspace.floats(50);
            return a;
        });
        assertSame(first[1], kept);
        assertEquals(250, w.heldElements(), "the 100 was not taken: given up");
        w.run(() -> {
            try (var scope = Workspace.scope()) {
                Workspace.floats(300);
            }
            return Workspace.floats(300);
        });
        assertEquals(300, w.heldElements(), "one 300 was in use at a time");
        w.run(() -> new float[][] {Workspace.floats(300), Workspace.floats(300)});
        assertEquals(600, w.heldElements());
    }

    /**
     * A small network's loss and gradients are the same bits in a workspace, whose later runs reuse
     * the earlier ones' dirty arrays, as with new arrays: every operation writes all of what it takes
     * uninitialized and clears what it adds into, and a parameter's storage (shared by its reshape)
     * never becomes a result's or a gradient's array.
     */
    @Test
    void gradientsInAWorkspaceAreThoseOfNewArrays() {
        SplittableRandom rng = new SplittableRandom(5);
        List<Tensor> params = List.of(param(rng, 11, 8), param(rng, 8), param(rng, 8), param(rng, 16, 8),
                param(rng, 16), param(rng, 8, 16), param(rng, 8), Tensor.parameter(new float[] {2f}), param(rng, 24, 8));
        Workspace w = new Workspace();
        for (int run = 0; run < 3; run++) {
            int[] ids = rng.ints(12, 0, 11).toArray();
            List<float[]> fresh = gradients(params, ids);
            List<float[]> before = params.stream().map(t -> t.data().clone()).toList();
            List<float[]> reused = w.run(() -> gradients(params, ids));
            assertArrayEquals(fresh.get(0), reused.get(0), "loss of run " + run);
            for (int i = 0; i < params.size(); i++) {
                assertArrayEquals(fresh.get(i + 1), reused.get(i + 1), "run " + run + ", gradient " + i);
                assertArrayEquals(before.get(i), params.get(i).data(), "run " + run + ", parameter " + i);
            }
        }
    }

    /**
     * A backward pass in a workspace gives each intermediate result's array back once it is done
     * with it, so that the next array of that size is that one; such a result can no longer be read,
     * unlike the tensor backward started from (the loss) and the same result outside a workspace.
     */
    @Test
    void aBackwardPassGivesBackTheArraysOfTheResultsItIsDoneWith() {
        SplittableRandom rng = new SplittableRandom(9);
        // Only x needs a gradient: a new size (W's gradient) would first give up free arrays of others.
        Tensor x = param(rng, 6, 4), w = Tensor.randn(rng, 1f, 4, 4);
        new Workspace().run(() -> {
            Tensor h = Linear.forward(x, w, null), a = Activation.gelu(h, Gelu.ERF);
            Tensor loss = Reduce.sum(Elementwise.mul(a, a));
            float[] hArray = h.data(), aArray = a.data();
            loss.backward();
            assertThrows(IllegalStateException.class, h::data);
            assertThrows(IllegalStateException.class, a::data);
            List<float[]> next = List.of(Workspace.floats(24), Workspace.floats(24));
            assertTrue(next.contains(hArray) && next.contains(aArray), "the results' arrays are reused");
            assertEquals(1, loss.data().length);
            return null;
        });
        Tensor h = Linear.forward(x, w, null), loss = Reduce.sum(Activation.gelu(h, Gelu.ERF));
        float[] before = h.data().clone();
        loss.backward();
        assertArrayEquals(before, h.data(), "outside a workspace a result keeps its elements");
    }

    private static Tensor param(SplittableRandom rng, int... shape) {
        return Tensor.parameter(Tensor.randn(rng, 0.5f, shape).data(), shape);
    }

    /**
     * The value of a loss through most operations, then copies of the parameters' gradients (which are dropped).
     */
    private static List<float[]> gradients(List<Tensor> p, int[] ids) {
        Tensor x = Embedding.forward(p.get(0), ids, 3, 4);
        Tensor h = LayerNorm.forward(x, p.get(1), p.get(2), 1e-5f);
        Tensor y1 = Linear.forward(Activation.gelu(Linear.forward(h, p.get(3), p.get(4)), Gelu.ERF), p.get(5), p.get(6), x);
        Tensor y0 = Linear.forwardOfGelu(Linear.forward(y1, p.get(3), p.get(4)), Gelu.QUICK, p.get(5), p.get(6), y1);
        Tensor qkv = Linear.forward(y0, p.get(8), null);
        Tensor y = Elementwise.add(y0, Attention.forward(qkv, 2, Softmax.causalMask(4)));
        Tensor pooled = Attention.forwardAt(qkv.reshape(12, 24), 2, null, Sequences.ofLengths(5, 7), new int[] {4, 2});
        Tensor t = Views.permute(Elementwise.mul(Elementwise.exp(Elementwise.scale(y, 0.1f)), y), 0, 2, 1);
        Tensor s = MatMul.matmul(t, false, Views.slice(t, 1, 2, 6), true);
        Tensor n = Normalize.l2(Gather.rows(Views.concat(0, s.reshape(12, 8), Elementwise.add(y, y).reshape(12, 8)),
                new int[] {0, 20, 7, 7}));
        // A parameter's reshape shares its storage.
        Tensor loss = Elementwise.add(Reduce.sum(Elementwise.mul(Elementwise.mulScalar(n, p.get(7)), p.get(1).reshape(8))),
                Reduce.sum(pooled));
        loss.backward();
        List<float[]> grads = new ArrayList<>();
        grads.add(new float[] {loss.item()});
        for (Tensor t0 : p) {
            grads.add(t0.grad().clone());
            t0.zeroGrad();
        }
        return grads;
    }
}
