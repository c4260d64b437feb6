package dev.jclip.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for all test classes (starting Spark costs seconds); the JVM's exit ends it. */
final class LocalSpark {
    private LocalSpark() {}

    static synchronized SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("jclip-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }
}
