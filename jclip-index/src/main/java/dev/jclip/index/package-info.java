/**
 * A persistent, incrementally updated index of unit-length embeddings on Apache Lucene
 * ({@link dev.jclip.index.VectorIndex}): an HNSW graph scored by dot product for fast approximate
 * search and an exact scan for checking it, each item stored with its path, size and modification
 * time ({@link dev.jclip.index.IndexEntry}) so that re-indexing embeds only what changed.
 *
 * <p>Independent of jclip-core: it stores float vectors, whatever model made them. The CLI's
 * {@code index} and {@code search} and the server use it.
 */
package dev.jclip.index;
