package dev.jclip.train;

import dev.jclip.tensor.DerivedRandom;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A dataset of {@code size} pairs, reshuffled every epoch and cut into full
 * batches (the last partial batch is dropped, as OpenCLIP does). Epoch
 * {@code e}'s order is a permutation drawn from {@code DerivedRandom.of(seed, e)},
 * so it is known without replaying earlier epochs, and a resumed run starting
 * at batch {@code first} loads nothing before it.
 */
public final class ShuffledBatches implements EpochData {
    private final int size, batchSize;
    private final long seed;
    private final Loader load;

    /** Builds one batch. */
    @FunctionalInterface
    public interface Loader {
        /**
         * The batch of pairs {@code pairs} (dataset indices) in epoch {@code epoch}; random
         * augmentation should draw from {@code DerivedRandom.of(seed, epoch, pair)}.
         */
        Batch load(int epoch, int[] pairs);
    }

    /** @param load builds a batch, lazily, when the iterator reaches it */
    public ShuffledBatches(int size, int batchSize, long seed, Loader load) {
        if (batchSize < 1 || size < batchSize) {
            throw new IllegalArgumentException("need at least one full batch: " + size + " pairs, batch size " + batchSize);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
        this.load = load;
    }

    /** Full batches per epoch. */
    public long batchesPerEpoch() {
        return size / batchSize;
    }

    /** The pair indices of epoch {@code epoch} in training order. */
    public int[] order(int epoch) {
        return permutation(size, seed, epoch);
    }

    /** A permutation of {@code 0..size-1} drawn from {@code DerivedRandom.of(seed, epoch)} (Fisher-Yates). */
    public static int[] permutation(int size, long seed, int epoch) {
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = DerivedRandom.of(seed, epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    @Override
    public Iterator<Batch> batches(int epoch, long first) {
        int[] perm = order(epoch);
        return new Iterator<>() {
            long next = first;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int[] idx = new int[batchSize];
                System.arraycopy(perm, (int) (next++ * batchSize), idx, 0, batchSize);
                return load.load(epoch, idx);
            }
        };
    }
}
