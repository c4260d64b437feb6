package dev.jclip.index;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's default codec with the vector field written as a float32 HNSW graph
 * ({@link Lucene99HnswVectorsFormat}, no quantization) built with the given parameters, and with
 * Lucene's 1024-dimension cap raised to {@link VectorIndex#MAX_DIMENSION}: OpenCLIP's ViT-bigG
 * embeds in 1280 dimensions.
 *
 * <p>The cap is only checked when indexing, and the wrapper writes under the stock format's name,
 * so the files are plain Lucene99 HNSW and any Lucene 10 reader opens them.
 */
final class HnswCodec extends Lucene104Codec {
    private final KnnVectorsFormat format;

    HnswCodec(HnswParams params) {
        this.format = new WideHnswFormat(new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth()));
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
    }

    /** Delegates everything to the stock HNSW format but the dimension cap. */
    private static final class WideHnswFormat extends KnnVectorsFormat {
        private final KnnVectorsFormat delegate;

        WideHnswFormat(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return VectorIndex.MAX_DIMENSION;
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
