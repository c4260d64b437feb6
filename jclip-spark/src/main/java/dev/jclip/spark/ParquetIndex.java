package dev.jclip.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;

import dev.jclip.index.VectorIndex;
import dev.jclip.io.AtomicWriter;
import dev.jclip.io.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A jclip index (jclip-index's Lucene {@link VectorIndex}) from the Parquet output of {@code jclip
 * spark embed}: Spark reads and checks the rows (any Hadoop file system), the driver writes the
 * index. Every row with an embedding must be of the given model, of its dimension and unit length,
 * checked over all rows before anything is written; error rows are skipped and counted. An item is
 * stored under its key, a {@code file:} URI as the plain local path (as {@code jclip index} stores
 * files), with size and time 0. The index records the model's paths beside it
 * ({@value #INFO}, as {@code jclip index} writes it) so {@code jclip search} and {@code jclip serve}
 * embed queries with the same model.
 */
public final class ParquetIndex {
    /** The file {@code jclip index} keeps the model's paths in (jclip-cli's IndexInfo reads it). */
    static final String INFO = "jclip-index.json";
    /** Commit to disk every so many vectors, as {@code jclip index} does. */
    private static final int COMMIT_EVERY = 1024;

    private ParquetIndex() {}

    /** What was built: items written, error rows skipped, and the index's size after. */
    public record Summary(long indexed, long skipped, int size) {}

    /**
     * Adds the embeddings in {@code parquet} to the index in {@code index} (created if missing; an
     * existing one must be of the same model). {@code modelId} and {@code dimension} are the
     * model's at {@code modelPath} ({@code vocab} may be null).
     */
    public static Summary build(SparkSession spark, String parquet, java.nio.file.Path index, String modelId, int dimension,
                                java.nio.file.Path modelPath, java.nio.file.Path vocab) throws IOException {
        Dataset<Row> all = spark.read().parquet(parquet);
        require(all, parquet, "key", DataTypes.StringType);
        require(all, parquet, "model", DataTypes.StringType);
        require(all, parquet, "embedding", null);
        boolean hasError = Arrays.asList(all.schema().fieldNames()).contains("error");
        Dataset<Row> ok = all.filter(col("embedding").isNotNull().and(hasError ? col("error").isNull() : expr("true")));
        long total = all.count(), good = ok.count();
        if (good == 0) {
            throw new IllegalArgumentException(parquet + " holds no embeddings (" + total + " rows, all errors)");
        }
        List<Row> others = ok.filter(col("model").notEqual(modelId)).select("key", "model").limit(1).collectAsList();
        if (!others.isEmpty()) {
            throw new IllegalArgumentException(parquet + ": " + others.get(0).getString(0) + " was embedded by model "
                    + others.get(0).getString(1) + ", not " + modelId + " (the --model given)");
        }
        List<Row> wrongSize = ok.filter(size(col("embedding")).notEqual(dimension)).select(col("key"), size(col("embedding")))
                .limit(1).collectAsList();
        if (!wrongSize.isEmpty()) {
            throw new IllegalArgumentException(parquet + ": the embedding of " + wrongSize.get(0).getString(0) + " has "
                    + wrongSize.get(0).getInt(1) + " dimensions, the model's have " + dimension);
        }
        // As VectorIndex checks: |‖v‖² − 1| within its tolerance, written so that NaN fails too.
        String squared = "aggregate(embedding, 0D, (acc, x) -> acc + double(x) * double(x))";
        List<Row> notUnit = ok.filter(expr(String.format(Locale.ROOT, "not (abs(%s - 1) <= %s)", squared, VectorIndex.UNIT_TOLERANCE)))
                .select(col("key"), expr(squared)).limit(1).collectAsList();
        if (!notUnit.isEmpty()) {
            throw new IllegalArgumentException(parquet + ": the embedding of " + notUnit.get(0).getString(0)
                    + " is not unit length (squared norm " + notUnit.get(0).getDouble(1) + ")");
        }
        Files.createDirectories(index);
        try (VectorIndex idx = VectorIndex.open(index, modelId, dimension)) {
            writeInfo(index, modelPath, vocab);
            long n = 0;
            Iterator<Row> rows = ok.select("key", "embedding").toLocalIterator();
            while (rows.hasNext()) {
                Row r = rows.next();
                idx.upsert(itemPath(r.getString(0)), 0, 0, EmbeddingSchema.embedding(r));
                if (++n % COMMIT_EVERY == 0) {
                    idx.commit();
                }
            }
            idx.commit();
            return new Summary(n, total - good, idx.size());
        }
    }

    /** A {@code file:} URI as its local path; any other key as it is. */
    static String itemPath(String key) {
        return key.startsWith("file:") ? new Path(key).toUri().getPath() : key;
    }

    private static void require(Dataset<Row> df, String parquet, String column, org.apache.spark.sql.types.DataType type) {
        StructField f = Arrays.stream(df.schema().fields()).filter(x -> x.name().equals(column)).findFirst().orElseThrow(
                () -> new IllegalArgumentException(parquet + " has no " + column + " column: is it the output of jclip spark embed?"));
        boolean fits = type != null ? f.dataType().equals(type)
                : f.dataType() instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType);
        if (!fits) {
            throw new IllegalArgumentException(parquet + ": column " + column + " is " + f.dataType().simpleString() + ", not "
                    + (type != null ? type.simpleString() : "array<float>"));
        }
    }

    private static void writeInfo(java.nio.file.Path index, java.nio.file.Path model, java.nio.file.Path vocab) throws IOException {
        JsonWriter json = new JsonWriter().beginObject().name("model").value(model.toAbsolutePath().toString());
        if (vocab != null) {
            json.name("vocab").value(vocab.toAbsolutePath().toString());
        }
        byte[] bytes = (json.endObject() + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicWriter.write(index.resolve(INFO), out -> out.bytes(bytes));
    }
}
