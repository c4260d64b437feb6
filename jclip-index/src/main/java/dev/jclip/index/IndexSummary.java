package dev.jclip.index;

/**
 * What {@link VectorIndex#verify} checked: the model id and vector dimension the index records, its
 * items, its Lucene segments, and the bytes of the files of its last commit.
 */
public record IndexSummary(String modelId, int dimension, int items, int segments, long bytes) {}
