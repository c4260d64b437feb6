package dev.jclip.text;

import java.util.List;

/**
 * Turns texts into the rows of token ids a text tower takes: CLIP's BPE ({@link ClipTokenizer}) or
 * a Hugging Face {@code tokenizer.json} padded as SigLIP was trained ({@link HfTextTokenizer}).
 */
public interface TextTokenizer {
    /**
     * One row of exactly {@code context} ids per text. A text longer than that is an error, or
     * with {@code truncate} is cut to it (the flag in the result says which were).
     */
    TokenBatch tokenize(List<String> texts, int context, boolean truncate);
}
