package dev.jclip.text.hf;

import java.util.List;

/**
 * A {@code tokenizer.json} "post_processor" for a single sequence: the special tokens put
 * around the encoded text. TemplateProcessing, BertProcessing and RobertaProcessing are all
 * a prefix and a suffix of fixed ids; ByteLevel only adjusts offsets, so adds nothing here.
 */
record PostProcessor(int[] prefix, int[] suffix) {
    static final PostProcessor NONE = new PostProcessor(new int[0], new int[0]);

    /** The processors applied one after another. */
    static PostProcessor sequence(List<PostProcessor> steps) {
        PostProcessor p = NONE;
        for (PostProcessor s : steps) {
            p = new PostProcessor(concat(s.prefix, p.prefix), concat(p.suffix, s.suffix));
        }
        return p;
    }

    /** How many ids {@link #process} adds, which truncation leaves room for. */
    int added() {
        return prefix.length + suffix.length;
    }

    int[] process(int[] ids) {
        return concat(concat(prefix, ids), suffix);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
