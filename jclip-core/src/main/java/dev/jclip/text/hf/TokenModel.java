package dev.jclip.text.hf;

import java.util.function.IntConsumer;

/** A {@code tokenizer.json} "model": turns one pre-tokenized word into token ids. */
interface TokenModel {
    /** Passes the ids of {@code word} (non-empty) to {@code out}, in order. */
    void encode(String word, IntConsumer out);

    /** The id of {@code token} in the model's vocabulary, or -1. */
    int id(String token);
}
