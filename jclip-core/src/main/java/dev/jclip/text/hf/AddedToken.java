package dev.jclip.text.hf;

/**
 * An entry of tokenizer.json's {@code added_tokens}: matched in the text before the model sees
 * it, in the raw text unless {@code normalized} (then in the normalized text), only as a whole
 * word when {@code singleWord}, swallowing whitespace on its left ({@code lstrip}) or right
 * ({@code rstrip}).
 */
record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized) {
}
