package dev.jclip.train;

/**
 * Where a run stands: with the seed, all a checkpoint needs besides tensors to
 * continue exactly (every random stream derives from the seed and these counters).
 *
 * @param step         optimizer steps taken (skipped ones included): the schedule's position
 * @param epoch        the current epoch (0-based)
 * @param batchInEpoch batches of {@code epoch} already consumed
 * @param skipped      steps whose update was skipped for a non-finite loss or gradient
 */
public record Progress(long step, int epoch, long batchInEpoch, long skipped) {
    /** The start of a run. */
    public static Progress start() {
        return new Progress(0, 0, 0, 0);
    }
}
