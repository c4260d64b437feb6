package dev.jclip.text;

/**
 * Token ids of a batch of texts for a text encoder.
 *
 * @param ids one row of {@code context} ids per text: start, the text's ids, end, then zeros
 * @param truncated for each text, whether it was longer than the context and was cut
 */
public record TokenBatch(int[][] ids, boolean[] truncated) {}
