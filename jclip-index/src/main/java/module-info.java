/** A persistent vector index of unit-length embeddings on Lucene's HNSW; see {@link dev.jclip.index.VectorIndex}. */
module dev.jclip.index {
    requires org.apache.lucene.core;

    exports dev.jclip.index;
}
