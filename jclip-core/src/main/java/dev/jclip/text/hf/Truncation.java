package dev.jclip.text.hf;

/** tokenizer.json's "truncation": at most {@code maxLength} ids, special tokens included, cut at the end or ({@code left}) the start. */
record Truncation(int maxLength, boolean left) {
    int[] apply(int[] ids, int reserved) {
        int keep = Math.max(0, maxLength - reserved);
        if (ids.length <= keep) {
            return ids;
        }
        return left ? java.util.Arrays.copyOfRange(ids, ids.length - keep, ids.length) : java.util.Arrays.copyOf(ids, keep);
    }
}
