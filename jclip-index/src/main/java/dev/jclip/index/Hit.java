package dev.jclip.index;

/**
 * One search result: the stored item (a file path, or a text) and its score, the dot product of
 * the query with the item's vector — the cosine similarity, since both are unit length.
 */
public record Hit(String path, float score) {}
