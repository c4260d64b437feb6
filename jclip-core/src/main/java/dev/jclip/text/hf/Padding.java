package dev.jclip.text.hf;

/**
 * tokenizer.json's "padding" for one sequence: to {@code fixedLength} ids (0: to the sequence's own
 * length, the "BatchLongest" strategy), rounded up to a multiple of {@code multipleOf} (0: none),
 * with {@code padId} at the end or ({@code left}) the start. Longer sequences stay as they are.
 */
record Padding(int fixedLength, int multipleOf, int padId, boolean left) {
    int[] apply(int[] ids) {
        int length = fixedLength > 0 ? fixedLength : ids.length;
        if (multipleOf > 0 && length % multipleOf != 0) {
            length += multipleOf - length % multipleOf;
        }
        if (ids.length >= length) {
            return ids;
        }
        int[] r = new int[length];
        java.util.Arrays.fill(r, padId);
        System.arraycopy(ids, 0, r, left ? length - ids.length : 0, ids.length);
        return r;
    }
}
