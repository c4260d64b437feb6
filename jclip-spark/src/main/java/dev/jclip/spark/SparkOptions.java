package dev.jclip.spark;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * What every {@code jclip spark} command takes: the Spark master and the model; and the session it
 * runs in: {@code --master} if given, else spark-submit's, else {@code local[*]}.
 */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master, e.g. local[4] (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "The model (safetensors file or folder), on every executor.")
    String model;

    @Option(names = "--vocab", paramLabel = "PATH", description = "Tokenizer vocabulary (default: the one beside the model).")
    String vocab;

    /** A command's work in a session. */
    interface Job {
        int run(SparkSession spark) throws Exception;
    }

    /** The model the executors load. */
    ModelRef model() {
        return new ModelRef(model, vocab);
    }

    /**
     * Runs {@code job} in the session; one that existed already (a caller's, e.g. in tests) is left
     * running, one opened here is stopped.
     */
    int run(String appName, Job job) throws Exception {
        boolean existing = SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        SparkSession spark = b.getOrCreate();
        // Spark's INFO lines would bury the command's own report.
        spark.sparkContext().setLogLevel("WARN");
        try {
            return job.run(spark);
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }
}
