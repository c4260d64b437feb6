package dev.jclip.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.VectorUtil;

/**
 * A persistent index of unit-length embeddings in a folder, on Apache Lucene: each item (a file
 * path, or a text) is one document holding its vector, in an HNSW graph scored by dot product, and
 * the file's size and last-modified time, so re-indexing a folder embeds only new or changed files.
 *
 * <p>The index records the model that built it (an id the caller makes, e.g. the model's name and a
 * hash of its weights) and the vector dimension, in the Lucene commit's user data; opening it with
 * another model id is refused, since vectors of different models are not comparable.
 *
 * <p>Vectors must be unit length ({@code |‖v‖² − 1| ≤ }{@value #UNIT_TOLERANCE}), the stored ones
 * and the queries alike; others are refused rather than normalized, since a vector that is not
 * unit length is a bug upstream (CLIP's pipeline L2-normalizes every embedding). So a score is the
 * cosine similarity, in [−1, 1].
 *
 * <p>An existing index is trusted only once every file of its last commit matches its checksum:
 * {@link #open} and {@link #openForSearch} read the whole index once to check, and refuse a damaged,
 * cut or missing file with a {@link DamagedIndexException}; {@link #verify} checks everything.
 *
 * <p>{@link #search} walks the HNSW graphs (approximate); {@link #searchExact} scores every stored
 * vector (exact, linear in the index size). Both order hits by score, best first, and equal scores
 * by path. Changes are visible to this instance at once and reach the disk on {@link #commit} or
 * {@link #close}. Not thread-safe: use one instance from one thread at a time.
 */
public final class VectorIndex implements Closeable {
    /** Largest vector dimension accepted (Lucene's own cap is 1024; OpenCLIP's ViT-bigG embeds in 1280). */
    public static final int MAX_DIMENSION = 4096;
    /** Largest accepted deviation of a vector's squared length from 1: Lucene's own tolerance for DOT_PRODUCT. */
    public static final double UNIT_TOLERANCE = 1e-4;
    /** Indexing buffer: ~100k 512-dim vectors and their graph fit, so a typical collection is one segment, one graph. */
    static final double RAM_BUFFER_MB = 256;

    private static final String PATH = "path";
    private static final String SIZE = "size";
    private static final String MTIME = "mtime";
    private static final String VECTOR = "vector";
    private static final String MODEL_KEY = "jclip.model";
    private static final String DIMENSION_KEY = "jclip.dimension";
    private static final Set<String> PATH_ONLY = Set.of(PATH);
    private static final Set<String> ENTRY_FIELDS = Set.of(PATH, SIZE, MTIME);
    private static final Comparator<Hit> BEST_FIRST =
            Comparator.comparing(Hit::score, Comparator.reverseOrder()).thenComparing(Hit::path);

    private final Path folder;
    private final Directory directory;
    private final IndexWriter writer;
    private final String modelId;
    private final int dimension;
    /** Items upserted (the entry) or deleted (null) since {@link #reader} was opened. */
    private final Map<String, IndexEntry> pending = new HashMap<>();
    private DirectoryReader reader;
    private IndexSearcher searcher;

    private VectorIndex(Path folder, Directory directory, IndexWriter writer, DirectoryReader reader,
                        String modelId, int dimension) {
        this.folder = folder;
        this.directory = directory;
        this.writer = writer;
        this.modelId = modelId;
        this.dimension = dimension;
        setReader(reader);
    }

    /** {@link #open(Path, String, int, HnswParams)} with Lucene's default HNSW parameters. */
    public static VectorIndex open(Path folder, String modelId, int dimension) throws IOException {
        return open(folder, modelId, dimension, HnswParams.DEFAULT);
    }

    /**
     * Opens the index in {@code folder} for reading and writing, creating it if the folder is
     * missing or empty. An existing index must have been built by {@code modelId} with vectors of
     * {@code dimension}, and every file of its last commit must match its checksum (this reads the
     * whole index once). Takes Lucene's write lock: one writer per folder at a time.
     *
     * @throws IllegalArgumentException if the folder holds something else, or an index of another
     *     model or dimension
     * @throws DamagedIndexException if a file of the index is damaged or missing
     */
    public static VectorIndex open(Path folder, String modelId, int dimension, HnswParams params) throws IOException {
        checkModelId(modelId);
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("vector dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is a file, not an index folder");
        }
        boolean exists = Files.isDirectory(folder) && indexExists(folder);
        if (!exists && Files.isDirectory(folder) && !isEmpty(folder)) {
            requireNoLuceneFiles(folder);
            throw new IllegalArgumentException(folder + " is not empty and holds no jclip index: give a new or empty folder");
        }
        Directory directory = FSDirectory.open(folder);
        IndexWriter writer = null;
        DirectoryReader reader = null;
        try {
            if (exists) {
                // Checked before a writer exists, so nothing is ever written into a damaged index; under
                // the write lock, so another process's writer is reported before the index is read.
                try (Lock lock = writeLock(folder, directory); DirectoryReader existing = DirectoryReader.open(directory)) {
                    Map<String, String> data = existing.getIndexCommit().getUserData();
                    checkBuiltBy(folder, data, modelId, "this run uses");
                    checkDimension(folder, data, dimension);
                    checkIntegrity(existing);
                }
            }
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setCodec(new HnswCodec(params))
                    .setRAMBufferSizeMB(RAM_BUFFER_MB);
            try {
                writer = new IndexWriter(directory, config);
            } catch (LockObtainFailedException e) {
                throw lockedBy(folder, e);
            }
            writer.setLiveCommitData(Map.of(MODEL_KEY, modelId, DIMENSION_KEY, Integer.toString(dimension)).entrySet());
            if (!exists) {
                writer.commit();
            }
            reader = DirectoryReader.open(writer);
            return new VectorIndex(folder, directory, writer, reader, modelId, dimension);
        } catch (Throwable t) {
            IOUtils.closeWhileHandlingException(reader);
            if (writer != null) {
                IOUtils.closeWhileHandlingException(writer::rollback); // closing would commit
            }
            IOUtils.closeWhileHandlingException(directory);
            DamagedIndexException d = DamagedIndexException.of(folder, t);
            if (d != null) {
                throw d;
            }
            throw t;
        }
    }

    /**
     * Opens the index in {@code folder} read-only, for queries embedded by {@code modelId}. Takes no
     * lock; sees the last commit. Every file of the commit is checked against its checksum first,
     * which reads the whole index once.
     *
     * @throws IllegalArgumentException if there is no index, or it was built by another model
     * @throws DamagedIndexException if a file of the index is damaged or missing
     */
    public static VectorIndex openForSearch(Path folder, String modelId) throws IOException {
        checkModelId(modelId);
        requireIndex(folder);
        Directory directory = FSDirectory.open(folder);
        DirectoryReader reader = null;
        try {
            reader = DirectoryReader.open(directory);
            Map<String, String> data = reader.getIndexCommit().getUserData();
            checkBuiltBy(folder, data, modelId, "the query uses");
            checkIntegrity(reader);
            return new VectorIndex(folder, directory, null, reader, modelId, storedDimension(folder, data));
        } catch (Throwable t) {
            IOUtils.closeWhileHandlingException(reader, directory);
            DamagedIndexException d = DamagedIndexException.of(folder, t);
            if (d != null) {
                throw d;
            }
            throw t;
        }
    }

    /**
     * Checks everything in {@code folder}: Lucene's {@link CheckIndex} reads and decodes every file
     * of the last commit (checksums, postings, stored fields, vectors, HNSW graphs), then every item
     * must have its path, size and modification time and a unit-length vector of the recorded
     * dimension. Takes the write lock while it runs. Returns what was checked.
     *
     * @throws DamagedIndexException naming the first damaged file found
     */
    public static IndexSummary verify(Path folder) throws IOException {
        requireIndex(folder);
        try (Directory directory = FSDirectory.open(folder)) {
            try (CheckIndex check = new CheckIndex(directory)) {
                check.setFailFast(true);
                check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
                CheckIndex.Status status = check.checkIndex();
                if (!status.clean) {
                    throw new DamagedIndexException(folder, status.segmentsFileName, "Lucene's CheckIndex found "
                            + status.numBadSegments + " bad segments", null);
                }
            } catch (LockObtainFailedException e) {
                throw lockedBy(folder, e);
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                Map<String, String> data = reader.getIndexCommit().getUserData();
                String model = storedModel(folder, data);
                int dimension = storedDimension(folder, data);
                long bytes = 0;
                for (String file : reader.getIndexCommit().getFileNames()) {
                    bytes += directory.fileLength(file);
                }
                return new IndexSummary(model, dimension, checkItems(folder, reader, dimension), reader.leaves().size(), bytes);
            }
        } catch (Throwable t) {
            DamagedIndexException d = DamagedIndexException.of(folder, t);
            if (d != null) {
                throw d;
            }
            throw t;
        }
    }

    /** The model id that built the index in {@code folder} (to pick the model for a query). */
    public static String builtBy(Path folder) throws IOException {
        requireIndex(folder);
        try (Directory directory = FSDirectory.open(folder)) {
            return storedModel(folder, SegmentInfos.readLatestCommit(directory).getUserData());
        } catch (IOException e) {
            DamagedIndexException d = DamagedIndexException.of(folder, e);
            throw d != null ? d : e;
        }
    }

    public Path folder() {
        return folder;
    }

    public String modelId() {
        return modelId;
    }

    public int dimension() {
        return dimension;
    }

    /** Number of items stored. */
    public int size() throws IOException {
        refresh();
        return reader.numDocs();
    }

    /** What is stored under {@code path}, or null if nothing is. */
    public IndexEntry entry(String path) throws IOException {
        if (pending.containsKey(path)) {
            return pending.get(path);
        }
        TopDocs top = searcher.search(new TermQuery(new Term(PATH, path)), 1);
        return top.scoreDocs.length == 0 ? null : entryOf(searcher.storedFields().document(top.scoreDocs[0].doc, ENTRY_FIELDS));
    }

    /** Whether {@code path} must be (re-)embedded: it is not stored, or was stored with another size or mtime. */
    public boolean needsUpdate(String path, long size, long mtime) throws IOException {
        IndexEntry stored = entry(path);
        return stored == null || stored.size() != size || stored.mtime() != mtime;
    }

    /**
     * Stores {@code vector} under {@code path}, replacing what was stored there. The vector is
     * copied.
     *
     * @throws IllegalArgumentException if the vector has the wrong dimension or is not unit length
     */
    public void upsert(String path, long size, long mtime, float[] vector) throws IOException {
        requireWritable();
        checkPath(path);
        checkVector(vector, "vector of " + path);
        Document doc = new Document();
        doc.add(new StringField(PATH, path, Field.Store.YES));
        doc.add(new StoredField(SIZE, size));
        doc.add(new StoredField(MTIME, mtime));
        doc.add(new KnnFloatVectorField(VECTOR, vector.clone(), VectorSimilarityFunction.DOT_PRODUCT));
        writer.updateDocument(new Term(PATH, path), doc);
        pending.put(path, new IndexEntry(path, size, mtime));
    }

    /** Removes {@code path}; returns whether it was stored. */
    public boolean delete(String path) throws IOException {
        requireWritable();
        boolean stored = entry(path) != null;
        writer.deleteDocuments(new Term(PATH, path));
        pending.put(path, null);
        return stored;
    }

    /**
     * Removes every item {@code vanished} accepts, e.g. {@code e -> !Files.exists(Path.of(e.path()))}
     * to forget deleted files; returns how many were removed.
     */
    public int deleteIf(Predicate<IndexEntry> vanished) throws IOException {
        requireWritable();
        int removed = 0;
        for (IndexEntry e : entries()) {
            if (vanished.test(e)) {
                delete(e.path());
                removed++;
            }
        }
        return removed;
    }

    /** Every stored item, sorted by path. */
    public List<IndexEntry> entries() throws IOException {
        refresh();
        List<IndexEntry> entries = new ArrayList<>(reader.numDocs());
        for (LeafReaderContext leaf : reader.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            StoredFields stored = leaf.reader().storedFields();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    entries.add(entryOf(stored.document(doc, ENTRY_FIELDS)));
                }
            }
        }
        entries.sort(Comparator.comparing(IndexEntry::path));
        return entries;
    }

    /** {@link #search(float[], int, int)} keeping {@code k} candidates. */
    public List<Hit> search(float[] query, int k) throws IOException {
        return search(query, k, k);
    }

    /**
     * The {@code k} items nearest to {@code query} by the HNSW graphs: approximate (a true neighbour
     * may be missed), fast. The graph walk keeps the {@code candidates} best items found so far
     * (HNSW's ef; at least k): more means better recall and slower queries. Score = dot product
     * with the query.
     */
    public List<Hit> search(float[] query, int k, int candidates) throws IOException {
        checkQuery(query, k);
        if (candidates < k) {
            throw new IllegalArgumentException("candidates (" + candidates + ") must be at least k (" + k + ")");
        }
        refresh();
        TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, candidates), candidates);
        StoredFields stored = searcher.storedFields();
        List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            // Lucene scores DOT_PRODUCT as (1 + dot) / 2 to keep scores non-negative: undo that.
            hits.add(new Hit(stored.document(sd.doc, PATH_ONLY).get(PATH), 2 * sd.score - 1));
        }
        hits.sort(BEST_FIRST);
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    /**
     * The {@code k} items nearest to {@code query}, exactly: every stored vector is scored. Among
     * items tied at the k-th score, those with the smallest paths are kept.
     */
    public List<Hit> searchExact(float[] query, int k) throws IOException {
        checkQuery(query, k);
        refresh();
        // Pass 1: the score of every live document; NaN marks a deleted one.
        float[] scores = new float[reader.maxDoc()];
        Arrays.fill(scores, Float.NaN);
        int live = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
            if (values == null) {
                continue;
            }
            Bits liveDocs = leaf.reader().getLiveDocs();
            KnnVectorValues.DocIndexIterator it = values.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (liveDocs == null || liveDocs.get(doc)) {
                    scores[leaf.docBase + doc] = VectorUtil.dotProduct(query, values.vectorValue(it.index()));
                    live++;
                }
            }
        }
        // Pass 2: the k-th best score. Everything scoring at least that is a candidate, ties included,
        // so the tie-break by path below sees every tied item, not those Lucene happened to keep.
        float[] sorted = new float[live];
        int n = 0;
        for (float s : scores) {
            if (!Float.isNaN(s)) {
                sorted[n++] = s;
            }
        }
        Arrays.sort(sorted);
        float threshold = live <= k ? Float.NEGATIVE_INFINITY : sorted[live - k];
        StoredFields stored = reader.storedFields();
        List<Hit> hits = new ArrayList<>();
        for (int doc = 0; doc < scores.length; doc++) {
            if (scores[doc] >= threshold) {
                hits.add(new Hit(stored.document(doc, PATH_ONLY).get(PATH), scores[doc]));
            }
        }
        hits.sort(BEST_FIRST);
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    /** Writes all changes to disk (a Lucene commit), so they survive a crash. */
    public void commit() throws IOException {
        requireWritable();
        writer.commit();
    }

    /**
     * Merges all segments into one, so a query walks one HNSW graph instead of one per segment
     * (faster queries); rebuilds the graph, so slow on a big index. Commits.
     */
    public void forceMerge() throws IOException {
        requireWritable();
        writer.forceMerge(1);
        writer.commit();
    }

    /** Commits (if writable) and releases the files and the write lock. */
    @Override
    public void close() throws IOException {
        try {
            if (writer != null && writer.isOpen()) {
                writer.commit();
            }
        } finally {
            IOUtils.close(reader, writer, directory);
        }
    }

    /** Makes the searcher see every change made through this instance. */
    private void refresh() throws IOException {
        if (writer == null) {
            return;
        }
        DirectoryReader newer = DirectoryReader.openIfChanged(reader, writer);
        if (newer != null) {
            reader.close();
            setReader(newer);
        }
        pending.clear();
    }

    private void setReader(DirectoryReader reader) {
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setQueryCache(null);
    }

    private void requireWritable() {
        if (writer == null) {
            throw new IllegalStateException("index at " + folder + " was opened for search only");
        }
    }

    private void checkQuery(float[] query, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        checkVector(query, "query vector");
    }

    private void checkVector(float[] v, String what) {
        if (v.length != dimension) {
            throw new IllegalArgumentException(what + " has " + v.length + " dimensions, the index at " + folder
                    + " holds " + dimension + "-dim vectors");
        }
        double squared = 0;
        for (float x : v) {
            squared += (double) x * x;
        }
        // Written so that NaN fails too.
        if (!(Math.abs(squared - 1) <= UNIT_TOLERANCE)) {
            throw new IllegalArgumentException(what + " is not unit length (squared norm " + squared
                    + "): the index scores by dot product, so L2-normalize embeddings first");
        }
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("an item's path must not be empty");
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > IndexWriter.MAX_TERM_LENGTH) {
            throw new IllegalArgumentException("item path of " + bytes + " UTF-8 bytes is longer than Lucene's "
                    + IndexWriter.MAX_TERM_LENGTH + ": " + path.substring(0, 80) + "...");
        }
    }

    private static void checkModelId(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("model id must not be empty");
        }
    }

    private static void checkBuiltBy(Path folder, Map<String, String> data, String modelId, String user) {
        String builtBy = storedModel(folder, data);
        if (!builtBy.equals(modelId)) {
            throw new IllegalArgumentException("index at " + folder + " was built by " + builtBy + ", " + user + " " + modelId);
        }
    }

    private static void checkDimension(Path folder, Map<String, String> data, int dimension) {
        int stored = storedDimension(folder, data);
        if (stored != dimension) {
            throw new IllegalArgumentException("index at " + folder + " holds " + stored + "-dim vectors, this run gives "
                    + dimension + "-dim vectors");
        }
    }

    private static String storedModel(Path folder, Map<String, String> data) {
        String model = data.get(MODEL_KEY);
        if (model == null) {
            throw new IllegalArgumentException(folder + " holds a Lucene index that jclip did not write (no model id)");
        }
        return model;
    }

    private static int storedDimension(Path folder, Map<String, String> data) {
        String dimension = data.get(DIMENSION_KEY);
        if (dimension == null) {
            throw new IllegalArgumentException(folder + " holds a Lucene index that jclip did not write (no dimension)");
        }
        return Integer.parseInt(dimension);
    }

    private static Lock writeLock(Path folder, Directory directory) throws IOException {
        try {
            return directory.obtainLock(IndexWriter.WRITE_LOCK_NAME);
        } catch (LockObtainFailedException e) {
            throw lockedBy(folder, e);
        }
    }

    private static IOException lockedBy(Path folder, LockObtainFailedException e) {
        return new IOException("index at " + folder + " is open for writing by another process", e);
    }

    /** Reads every byte of every file {@code reader} uses against its checksum: Lucene checks only the small ones on open. */
    private static void checkIntegrity(DirectoryReader reader) throws IOException {
        for (LeafReaderContext leaf : reader.leaves()) {
            leaf.reader().checkIntegrity();
        }
    }

    /** Checks every live item's fields and vector; returns how many there are. */
    private static int checkItems(Path folder, DirectoryReader reader, int dimension) throws IOException {
        int items = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            String segment = "segment " + ((SegmentReader) leaf.reader()).getSegmentName();
            Bits live = leaf.reader().getLiveDocs();
            StoredFields stored = leaf.reader().storedFields();
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
            KnnVectorValues.DocIndexIterator vectors = values == null ? null : values.iterator();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                Document d = stored.document(doc, ENTRY_FIELDS);
                if (d.get(PATH) == null || d.getField(SIZE) == null || d.getField(MTIME) == null) {
                    throw new DamagedIndexException(folder, segment, "document " + doc + " lacks its path, size or mtime", null);
                }
                if (vectors == null || vectors.advance(doc) != doc) {
                    throw new DamagedIndexException(folder, segment, "item " + d.get(PATH) + " has no vector", null);
                }
                float[] v = values.vectorValue(vectors.index());
                double squared = 0;
                for (float x : v) {
                    squared += (double) x * x;
                }
                if (v.length != dimension || !(Math.abs(squared - 1) <= UNIT_TOLERANCE)) {
                    throw new DamagedIndexException(folder, segment, "the vector of item " + d.get(PATH) + " has "
                            + v.length + " dimensions and squared norm " + squared + ", not " + dimension + " and 1", null);
                }
                items++;
            }
        }
        return items;
    }

    private static void requireIndex(Path folder) throws IOException {
        if (!Files.isDirectory(folder) || !indexExists(folder)) {
            if (Files.isDirectory(folder)) {
                requireNoLuceneFiles(folder);
            }
            throw new IllegalArgumentException("no index at " + folder + ": build one first (jclip index)");
        }
    }

    /** Segment files without a commit (segments_N) that names them: an index whose commit was lost. */
    private static void requireNoLuceneFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            if (files.anyMatch(f -> IndexFileNames.CODEC_FILE_PATTERN.matcher(f.getFileName().toString()).matches())) {
                throw new DamagedIndexException(folder, IndexFileNames.SEGMENTS + "_N",
                        "the commit file is missing beside the segment files", null);
            }
        }
    }

    private static boolean indexExists(Path folder) throws IOException {
        try (Directory directory = FSDirectory.open(folder)) {
            return DirectoryReader.indexExists(directory);
        }
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }

    private static IndexEntry entryOf(Document doc) {
        return new IndexEntry(doc.get(PATH), doc.getField(SIZE).numericValue().longValue(),
                doc.getField(MTIME).numericValue().longValue());
    }
}
