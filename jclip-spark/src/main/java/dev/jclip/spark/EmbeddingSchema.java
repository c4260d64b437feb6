package dev.jclip.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.ArraySeq;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of every embedding output: {@code key}, {@code embedding} (unit length; null for a bad
 * item), {@code model}, {@code error}, and {@code caption} (the image's caption when the input has
 * one: a WebDataset sample's {@code txt}, or a Parquet caption column; else null).
 */
public final class EmbeddingSchema {
    private EmbeddingSchema() {}

    /** Field positions in {@link #SCHEMA}: rows straight from the embedding carry no schema to look names up in. */
    static final int KEY = 0, EMBEDDING = 1, ERROR = 3, CAPTION = 4;

    public static final StructType SCHEMA = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("model", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("caption", DataTypes.StringType, true);

    /**
     * A row of {@link #SCHEMA}. The embedding is held as a Scala {@code Seq}, the external type
     * {@link Row#getList} reads: Spark may hand these rows on unconverted (a {@code javaRDD()}
     * straight after the embedding), and a {@code float[]} there would fail it.
     */
    static Row row(String key, float[] embedding, String model, String error, String caption) {
        Object seq = null;
        if (embedding != null) {
            Float[] boxed = new Float[embedding.length];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = embedding[i];
            }
            seq = ArraySeq.unsafeWrapArray(boxed);
        }
        return RowFactory.create(key, seq, model, error, caption);
    }

    /** The embedding of a row of {@link #SCHEMA}, or null for a bad item. */
    static float[] embedding(Row r) {
        if (r.isNullAt(EMBEDDING)) {
            return null;
        }
        List<Float> e = r.getList(EMBEDDING);
        float[] v = new float[e.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = e.get(i);
        }
        return v;
    }
}
