package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Heap, lazily allocated and mapped storage of {@link Tensor}. */
class TensorStorageTest {

    /** {@code values} as little-endian floats in native memory, one byte past an aligned address. */
    private static MemorySegment offHeap(Arena arena, float... values) {
        MemorySegment seg = arena.allocate(4L * values.length + 1, 8).asSlice(1);
        for (int i = 0; i < values.length; i++) {
            seg.set(Tensor.ELEMENT, 4L * i, values[i]);
        }
        return seg;
    }

    @Test
    void mappedTensorReadsItsSegmentUntilCopiedOnce() {
        Arena arena = Arena.ofAuto();
        MemorySegment seg = offHeap(arena, 1f, -2f, 3.5f, 4f, 5f, -6f);
        Tensor t = Tensor.mapped(seg, 2, 3);
        assertTrue(t.isMapped());
        assertSame(seg, t.storage());
        assertEquals(-6f, t.get(1, 2));
        assertEquals(6, t.numel());
        assertEquals("Tensor[2, 3] [1.0, -2.0, 3.5, 4.0, 5.0, -6.0]", t.toString());

        Tensor view = t.reshape(3, 2);
        assertTrue(view.isMapped(), "a reshape without grad shares the mapping");
        assertEquals(3.5f, view.get(1, 0));
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 4f, 5f, -6f}, t.copy().data());
        assertTrue(t.isMapped(), "copy() leaves the original mapped");

        float[] heap = t.data();
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 4f, 5f, -6f}, heap);
        assertFalse(t.isMapped(), "data() moves the tensor onto the heap");
        assertSame(heap, t.data(), "the copy is made once");
        heap[0] = 9f;
        assertEquals(9f, t.get(0, 0), "the heap copy is now the storage");
        assertEquals(1f, seg.get(Tensor.ELEMENT, 0), "the mapping is never written");
    }

    @Test
    void lazyParameterReadsAsZerosAndCanBeMapped() {
        Tensor p = Tensor.lazyParameter(2, 2);
        assertTrue(p.requiresGrad());
        assertEquals(0f, p.get(1, 1));
        Tensor q = Tensor.lazyParameter(1, 3);
        q.map(offHeap(Arena.ofAuto(), 7f, 8f, 9f));
        assertTrue(q.isMapped());
        assertEquals(8f, q.get(0, 1));
        assertTrue(q.requiresGrad(), "a mapped parameter stays trainable");
        assertArrayEquals(new float[3], q.gradForAccumulation());
    }

    @Test
    void onlyALeafWithExactlyThatManyElementsCanBeMapped() {
        Tensor t = Tensor.lazyParameter(2, 2);
        MemorySegment fiveFloats = offHeap(Arena.ofAuto(), 1, 2, 3, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.map(fiveFloats));
        assertTrue(e.getMessage().contains("20 bytes") && e.getMessage().contains("[2, 2]"), e.getMessage());
        Tensor derived = Tensor.parameter(new float[] {1f}, 1).reshape();
        IllegalStateException notLeaf = assertThrows(IllegalStateException.class, () -> derived.map(offHeap(Arena.ofAuto(), 1f)));
        assertTrue(notLeaf.getMessage().contains("leaf"), notLeaf.getMessage());
    }
}
