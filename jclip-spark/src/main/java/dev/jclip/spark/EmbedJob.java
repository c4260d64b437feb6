package dev.jclip.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A resumable embedding job: the items (image paths, texts, or WebDataset shards), in order, are
 * cut into chunks of {@code chunkSize}, and
 * chunk {@code c} becomes the Parquet partition {@code OUTPUT/chunk=c}. Each chunk is written by
 * Spark under {@code OUTPUT/_attempt/} (its output committer keeps a retried task from
 * duplicating rows) and then renamed into place, so a partition exists only when complete; a
 * rerun over the same items skips the chunks already there. Reading {@code OUTPUT} as Parquet
 * gives {@link EmbeddingSchema#SCHEMA} plus the {@code chunk} column.
 */
public final class EmbedJob {
    /** What the items are: image paths or URIs, texts, or WebDataset tar shards (one task each, a row per sample). */
    public enum Kind { IMAGES, TEXTS, SHARDS }

    /** What a run did: chunks written and skipped (already there), rows written and how many of them failed. */
    public record Summary(int chunksWritten, int chunksSkipped, long rows, long failed) {}

    private final SparkSession spark;
    private final ModelRef model;
    private final int chunkSize;
    private final int partitions;

    /** {@code partitions} tasks per chunk (at least 1; shards: one task each); {@code chunkSize} items per chunk. */
    public EmbedJob(SparkSession spark, ModelRef model, int chunkSize, int partitions) {
        if (chunkSize < 1 || partitions < 1) {
            throw new IllegalArgumentException("chunk size and partitions must be at least 1, got " + chunkSize + " and " + partitions);
        }
        this.spark = spark;
        this.model = model;
        this.chunkSize = chunkSize;
        this.partitions = partitions;
    }

    /** Embeds {@code items} into {@code output}, skipping finished chunks. */
    public Summary run(Kind kind, List<String> items, String output) throws IOException {
        return run(kind, items, null, output);
    }

    /** {@link #run(Kind, List, String)} of images with their {@code captions} (one per item; null: none). */
    public Summary run(Kind kind, List<String> items, List<String> captions, String output) throws IOException {
        if (captions != null && (kind != Kind.IMAGES || captions.size() != items.size())) {
            throw new IllegalArgumentException("captions go with images, one each: " + items.size() + " items, " + captions.size() + " captions");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(conf);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        StructType in = new StructType().add("key", DataTypes.StringType, true).add("caption", DataTypes.StringType, true);
        int written = 0, skipped = 0;
        long rows = 0, failed = 0;
        for (int c = 0, start = 0; start < items.size(); c++, start += chunkSize) {
            Path done = new Path(out, chunkDir(c));
            if (fs.exists(done)) {
                skipped++;
                continue;
            }
            List<Row> slice = new ArrayList<>();
            for (int i = start; i < Math.min(items.size(), start + chunkSize); i++) {
                slice.add(RowFactory.create(items.get(i), captions != null ? captions.get(i) : null));
            }
            JavaRDD<Row> rdd = jsc.parallelize(slice, kind == Kind.SHARDS ? slice.size() : Math.min(partitions, slice.size()));
            Dataset<Row> df = spark.createDataFrame(rdd, in);
            Dataset<Row> emb = switch (kind) {
                case IMAGES -> ClipSpark.embedImages(df, "key", captions != null ? "caption" : null, model);
                case TEXTS -> ClipSpark.embedTexts(df, "key", model);
                case SHARDS -> ClipSpark.embedShards(df, "key", model);
            };
            Path attempt = new Path(new Path(out, "_attempt"), chunkDir(c));
            emb.write().mode(SaveMode.Overwrite).parquet(attempt.toString());
            fs.mkdirs(out);
            if (!fs.rename(attempt, done)) {
                throw new IOException("cannot move " + attempt + " to " + done);
            }
            Dataset<Row> result = spark.read().parquet(done.toString());
            rows += result.count();
            failed += result.filter("error is not null").count();
            written++;
        }
        fs.delete(new Path(out, "_attempt"), true);
        return new Summary(written, skipped, rows, failed);
    }

    static String chunkDir(int c) {
        return String.format(Locale.ROOT, "chunk=%05d", c);
    }
}
