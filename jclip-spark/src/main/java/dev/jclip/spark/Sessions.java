package dev.jclip.spark;

import org.apache.spark.sql.SparkSession;

/** The session of a {@code jclip spark} command: {@code --master} if given, else spark-submit's, else {@code local[*]}. */
final class Sessions {
    private Sessions() {}

    /** True when a session existed already (a caller's, e.g. in tests): the command then leaves it running. */
    static boolean existing() {
        return SparkSession.getDefaultSession().isDefined();
    }

    static SparkSession open(String appName, String master) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        SparkSession spark = b.getOrCreate();
        // Spark's INFO lines would bury the command's own report.
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
