package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jclip.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShuffledBatchesTest {

    /** Records which pairs each batch got; the batch's first token is its first pair's index. */
    private final List<int[]> loaded = new ArrayList<>();

    private ShuffledBatches data(long seed) {
        return new ShuffledBatches(10, 4, seed, (epoch, pairs) -> {
            loaded.add(pairs.clone());
            int[][] tokens = new int[pairs.length][];
            for (int i = 0; i < pairs.length; i++) {
                tokens[i] = new int[] {pairs[i]};
            }
            return new Batch(Tensor.zeros(pairs.length, 3, 1, 1), tokens);
        });
    }

    @Test
    void eachEpochIsAPermutationDrawnFromSeedAndEpoch() {
        ShuffledBatches d = data(5);
        int[] e0 = d.order(0), e1 = d.order(1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(e0).sorted().toArray());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(e1).sorted().toArray());
        assertFalse(Arrays.equals(e0, e1), "epochs are reshuffled");
        assertArrayEquals(e1, data(5).order(1), "same seed and epoch, same order");
        assertFalse(Arrays.equals(e1, data(6).order(1)), "another seed, another order");
    }

    @Test
    void dropsThePartialBatchAndResumesWithoutLoadingSkippedBatches() {
        ShuffledBatches d = data(5);
        assertEquals(2, d.batchesPerEpoch()); // 10 pairs, batches of 4: the last 2 pairs are dropped
        int[] order = d.order(3);
        Iterator<Batch> it = d.batches(3, 1);
        Batch b = it.next();
        assertFalse(it.hasNext());
        assertEquals(1, loaded.size(), "batch 0 was skipped without being loaded");
        assertArrayEquals(Arrays.copyOfRange(order, 4, 8), loaded.get(0));
        assertEquals(order[4], b.tokens()[0][0]);
    }

    @Test
    void refusesTooFewPairs() {
        assertThrows(IllegalArgumentException.class, () -> new ShuffledBatches(3, 4, 0, (e, p) -> null));
    }
}
