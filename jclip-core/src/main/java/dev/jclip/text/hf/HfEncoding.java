package dev.jclip.text.hf;

/** The ids of one text, special tokens and padding included, and whether truncation cut any of its ids. */
public record HfEncoding(int[] ids, boolean truncated) {
}
