package dev.jclip.spark;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The library API: embeddings of a {@code Dataset<Row>} in a user's own Spark job. The output has
 * the columns of {@link EmbeddingSchema#SCHEMA}, in the same partitions; a bad item is a row with
 * a null embedding and the reason in {@code error}, never a failed task. Executors load the model
 * once each ({@link ModelRef}).
 */
public final class ClipSpark {
    private ClipSpark() {}

    /** Embeds the images whose paths or URIs (any Hadoop file system) are in column {@code pathColumn}, one row per input row; the key is the path. */
    public static Dataset<Row> embedImages(Dataset<Row> in, String pathColumn, ModelRef model) {
        return embedImages(in, pathColumn, null, model);
    }

    /** {@link #embedImages(Dataset, String, ModelRef)}, keeping each row's {@code captionColumn} (null: none) as the caption. */
    public static Dataset<Row> embedImages(Dataset<Row> in, String pathColumn, String captionColumn, ModelRef model) {
        int caption = captionColumn == null ? -1 : in.schema().fieldIndex(captionColumn);
        return in.mapPartitions(new ImageEmbedder(model, in.schema().fieldIndex(pathColumn), caption, hadoop(in)), encoder());
    }

    /**
     * Embeds every sample of the WebDataset tar shards whose paths or URIs are in column
     * {@code shardColumn}: one row per sample, keyed {@code SHARD/KEY}, with its caption
     * ({@code txt}); a missing or damaged shard adds a row keyed by the shard.
     */
    public static Dataset<Row> embedShards(Dataset<Row> in, String shardColumn, ModelRef model) {
        return in.mapPartitions(new ShardEmbedder(model, in.schema().fieldIndex(shardColumn), hadoop(in)), encoder());
    }

    /** Embeds the texts in column {@code textColumn}, one row per input row; the key is the text. */
    public static Dataset<Row> embedTexts(Dataset<Row> in, String textColumn, ModelRef model) {
        return in.mapPartitions(new TextEmbedder(model, in.schema().fieldIndex(textColumn)), encoder());
    }

    private static Broadcast<SerializableConfiguration> hadoop(Dataset<Row> in) {
        return SerializableConfiguration.broadcast(in.sparkSession().sparkContext());
    }

    private static Encoder<Row> encoder() {
        return Encoders.row(EmbeddingSchema.SCHEMA);
    }
}
