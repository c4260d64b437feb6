package dev.jclip.index;

/**
 * How new HNSW graphs are built: {@code maxConn} (HNSW's M, the neighbours kept per node; more
 * means better recall and a bigger, slower-to-build graph) and {@code beamWidth} (the candidates
 * examined when a node is inserted; more means a better graph and a slower build). They affect
 * only segments written from now on; queries need neither.
 */
public record HnswParams(int maxConn, int beamWidth) {
    /** Lucene's defaults, M = 16 and beam width 100. */
    public static final HnswParams DEFAULT = new HnswParams(16, 100);

    public HnswParams {
        if (maxConn < 1 || maxConn > 512) {
            throw new IllegalArgumentException("HNSW maxConn must be in [1, 512], got " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new IllegalArgumentException("HNSW beamWidth must be in [1, 3200], got " + beamWidth);
        }
    }
}
