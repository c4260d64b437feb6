package dev.jclip.op;

/**
 * Sequences of tokens laid end to end in the rows of one token matrix [N, D]: sequence s holds
 * rows {@code [start(s), start(s) + length(s))}. Token-wise layers do not care where one sequence
 * ends; {@link Attention} keeps each to itself. Texts of different lengths can so drop their
 * padding instead of all being padded to the longest.
 */
public final class Sequences {
    private final int[] starts;   // count + 1 entries, the last one the number of rows
    private final int maxLength;

    private Sequences(int[] starts) {
        this.starts = starts;
        int max = 0;
        for (int s = 0; s + 1 < starts.length; s++) {
            max = Math.max(max, starts[s + 1] - starts[s]);
        }
        maxLength = max;
    }

    /** {@code count} sequences of {@code length} tokens each: a [count, length, D] batch. */
    public static Sequences uniform(int count, int length) {
        if (count < 0 || length <= 0) {
            throw new IllegalArgumentException("sequences: " + count + " of length " + length);
        }
        int[] starts = new int[count + 1];
        for (int s = 1; s <= count; s++) {
            starts[s] = Math.multiplyExact(s, length);
        }
        return new Sequences(starts);
    }

    /** Sequences of the given lengths, each at least 1, one after the other. */
    public static Sequences ofLengths(int... lengths) {
        int[] starts = new int[lengths.length + 1];
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] <= 0) {
                throw new IllegalArgumentException("sequences: length " + lengths[s] + " of sequence " + s);
            }
            starts[s + 1] = Math.addExact(starts[s], lengths[s]);
        }
        return new Sequences(starts);
    }

    /** Number of sequences. */
    public int count() {
        return starts.length - 1;
    }

    /** The first row of sequence {@code s}. */
    public int start(int s) {
        return starts[s];
    }

    /** Tokens in sequence {@code s}. */
    public int length(int s) {
        return starts[s + 1] - starts[s];
    }

    /** Rows of all sequences together. */
    public int rows() {
        return starts[starts.length - 1];
    }

    /** The longest sequence's length (0 when there are none). */
    public int maxLength() {
        return maxLength;
    }
}
