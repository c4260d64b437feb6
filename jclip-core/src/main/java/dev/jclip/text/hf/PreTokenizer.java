package dev.jclip.text.hf;

import java.util.List;

/** A {@code tokenizer.json} "pre_tokenizer": splits one piece of normalized text into the words the model encodes. */
@FunctionalInterface
interface PreTokenizer {
    /** Appends the non-empty parts of {@code piece} to {@code out}. */
    void split(Piece piece, List<Piece> out);
}
