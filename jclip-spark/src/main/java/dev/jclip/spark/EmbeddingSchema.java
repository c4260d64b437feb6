package dev.jclip.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The columns of every embedding output: {@code key}, {@code embedding} (unit length; null for a bad item), {@code model}, {@code error}. */
public final class EmbeddingSchema {
    private EmbeddingSchema() {}

    public static final StructType SCHEMA = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("model", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);
}
