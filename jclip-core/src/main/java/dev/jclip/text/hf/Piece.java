package dev.jclip.text.hf;

/**
 * A part of the text on its way through a tokenizer: either an added token already resolved to
 * {@code tokenId}, or text still to normalize, pre-tokenize and encode ({@code tokenId} -1).
 * {@code atStart} says the part begins at the start of the original text, which Metaspace's
 * {@code prepend_scheme: "first"} needs.
 */
record Piece(String text, boolean atStart, int tokenId) {
    static Piece text(String text, boolean atStart) {
        return new Piece(text, atStart, -1);
    }

    boolean isToken() {
        return tokenId >= 0;
    }
}
