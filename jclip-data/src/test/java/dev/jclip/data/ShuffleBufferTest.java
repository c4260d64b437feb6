package dev.jclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShuffleBufferTest {

    private static List<Integer> shuffle(int n, int size, long seed) {
        return ShuffleBuffer.shuffle(IntStream.range(0, n).boxed(), size, seed).toList();
    }

    @Test
    void seededPermutationWithBoundedDisplacement() {
        List<Integer> a = shuffle(1000, 50, 1);
        assertEquals(a, shuffle(1000, 50, 1));
        assertNotEquals(a, shuffle(1000, 50, 2));
        assertEquals(IntStream.range(0, 1000).boxed().toList(), a.stream().sorted().toList());
        // Output position p can only hold inputs 0..p+size-1 (the buffer never holds more than size items).
        for (int p = 0; p < a.size(); p++) {
            assertTrue(a.get(p) <= p + 49, "position " + p + " holds " + a.get(p));
        }
        // The buffer really mixes: many items leave their place.
        long moved = IntStream.range(0, 1000).filter(p -> a.get(p) != p).count();
        assertTrue(moved > 900, moved + " moved");
    }

    @Test
    void edgeSizes() {
        assertEquals(IntStream.range(0, 20).boxed().toList(), shuffle(20, 1, 5));
        List<Integer> all = shuffle(10, 100, 5);
        assertEquals(IntStream.range(0, 10).boxed().toList(), all.stream().sorted().toList());
        assertEquals(List.of(), shuffle(0, 10, 5));
        assertThrows(IllegalArgumentException.class, () -> shuffle(5, 0, 1));
    }
}
