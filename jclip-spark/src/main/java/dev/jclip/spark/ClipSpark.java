package dev.jclip.spark;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The library API: embeddings of a {@code Dataset<Row>} in a user's own Spark job. The output has
 * the columns of {@link EmbeddingSchema#SCHEMA}, one row per input row, in the same partitions; a
 * bad item is a row with a null embedding and the reason in {@code error}, never a failed task.
 * Executors load the model once each ({@link ModelRef}).
 */
public final class ClipSpark {
    private ClipSpark() {}

    /** Embeds the images whose paths or URIs (any Hadoop file system) are in column {@code pathColumn}; the key is the path. */
    public static Dataset<Row> embedImages(Dataset<Row> in, String pathColumn, ModelRef model) {
        Broadcast<SerializableConfiguration> hadoop = SerializableConfiguration.broadcast(in.sparkSession().sparkContext());
        return in.mapPartitions(new ImageEmbedder(model, in.schema().fieldIndex(pathColumn), hadoop), encoder());
    }

    /** Embeds the texts in column {@code textColumn}; the key is the text. */
    public static Dataset<Row> embedTexts(Dataset<Row> in, String textColumn, ModelRef model) {
        return in.mapPartitions(new TextEmbedder(model, in.schema().fieldIndex(textColumn)), encoder());
    }

    private static Encoder<Row> encoder() {
        return Encoders.row(EmbeddingSchema.SCHEMA);
    }
}
