package dev.jclip.train;

import java.util.Iterator;

/**
 * The training data as a sequence of epochs. The order of an epoch's batches
 * must depend only on the epoch number (and whatever seed the source was built
 * with), so that a resumed run sees exactly the batches the interrupted one
 * would have seen.
 */
@FunctionalInterface
public interface EpochData {

    /** The batches of {@code epoch} (0-based), starting at batch index {@code first} of that epoch. */
    Iterator<Batch> batches(int epoch, long first);

    /** The same batches every epoch, in the iterable's order; resuming skips by iterating. */
    static EpochData of(Iterable<Batch> batches) {
        return (epoch, first) -> {
            Iterator<Batch> it = batches.iterator();
            for (long i = 0; i < first && it.hasNext(); i++) {
                it.next();
            }
            return it;
        };
    }
}
