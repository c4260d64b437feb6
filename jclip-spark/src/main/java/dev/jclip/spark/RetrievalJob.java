package dev.jclip.spark;

import dev.jclip.eval.Retrieval;
import dev.jclip.eval.RetrievalResult;
import dev.jclip.eval.RetrievalTask;
import dev.jclip.data.CsvSource;
import dev.jclip.data.Example;
import dev.jclip.data.ExampleImage;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed image-text retrieval recall@1/5/10, as {@code jclip eval retrieval} computes it on one
 * machine: executors embed the images (paths with captions, or WebDataset shards) and the distinct
 * captions; then each query's rank is found against all items, image queries over the texts and text
 * queries over the images, a share of the queries per task ({@link Retrieval#hits}), and the driver
 * adds up the hits. Pairs with equal captions match each other. A pair whose image cannot be read, or
 * a shard sample without a caption, is counted and left out.
 */
public final class RetrievalJob {
    private RetrievalJob() {}

    /** The recall and the pairs left out. */
    public record Outcome(RetrievalResult result, long failed) {}

    /** Which queries a task ranks: image queries ({@code images}) or text queries, {@code [from, to)}. */
    private record Share(boolean images, int from, int to) implements Serializable {}

    /** Images at {@code paths} (any Hadoop file system) with their {@code captions}, in order. */
    public static Outcome ofPaths(SparkSession spark, ModelRef ref, List<String> paths, List<String> captions, int partitions) {
        List<Row> rows = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            rows.add(RowFactory.create(paths.get(i), captions.get(i)));
        }
        StructType schema = new StructType().add("key", DataTypes.StringType, false).add("caption", DataTypes.StringType, true);
        Dataset<Row> in = spark.createDataFrame(jsc(spark).parallelize(rows, Math.max(1, Math.min(partitions, rows.size()))), schema);
        return run(spark, ref, ClipSpark.embedImages(in, "key", "caption", ref), partitions);
    }

    /** The samples of WebDataset {@code shards}, in order, their {@code txt} the captions. */
    public static Outcome ofShards(SparkSession spark, ModelRef ref, List<String> shards, int partitions) {
        List<Row> rows = shards.stream().map(s -> RowFactory.create(s)).toList();
        StructType schema = new StructType().add("key", DataTypes.StringType, false);
        Dataset<Row> in = spark.createDataFrame(jsc(spark).parallelize(rows, rows.size()), schema);
        return run(spark, ref, ClipSpark.embedShards(in, "key", ref), partitions);
    }

    /**
     * The pairs of a local CSV or TSV file of image paths and captions, read as {@code jclip eval
     * retrieval --data CSV} reads it ({@link CsvSource#detect}: OpenCLIP's header, {@code
     * image_path,caption}, or none; paths relative to the file); rows with a missing image are
     * counted and left out.
     */
    public static Outcome ofCsv(SparkSession spark, ModelRef ref, java.nio.file.Path csv, int partitions) throws IOException {
        char sep = csv.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        List<String> paths = new ArrayList<>(), captions = new ArrayList<>();
        long[] missing = {0};
        FileSystem local = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        try (Stream<Example> s = CsvSource.detect(csv, sep).examples(0, e -> missing[0]++)) {
            s.forEach(e -> {
                if (!(e.image() instanceof ExampleImage.FromFile f)) {
                    throw new IllegalStateException("a CSV row gives an image file");
                }
                paths.add(local.makeQualified(new Path(f.path().toAbsolutePath().toString())).toString());
                captions.add(e.caption());
            });
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no image,caption rows" + (missing[0] > 0 ? " with an image (" + missing[0] + " missing)" : ""));
        }
        Outcome o = ofPaths(spark, ref, paths, captions, partitions);
        return new Outcome(o.result(), o.failed() + missing[0]);
    }

    private static Outcome run(SparkSession spark, ModelRef ref, Dataset<Row> embedded, int partitions) {
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        long failed = 0;
        for (Row r : embedded.collectAsList()) {
            float[] e = EmbeddingSchema.embedding(r);
            String caption = r.getString(EmbeddingSchema.CAPTION);
            if (e == null || caption == null) {
                failed++;
                continue;
            }
            images.add(e);
            captions.add(caption);
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image-caption pair could be read (" + failed + " failed)");
        }
        int[] groups = RetrievalTask.groupsByCaption(captions);
        float[][] texts = embedCaptions(spark, ref, captions, partitions);
        float[][] imageArray = images.toArray(float[][]::new);

        JavaSparkContext jsc = jsc(spark);
        Broadcast<float[][]> bImages = jsc.broadcast(imageArray), bTexts = jsc.broadcast(texts);
        Broadcast<int[]> bGroups = jsc.broadcast(groups);
        int n = imageArray.length, per = Math.max(1, (n + partitions - 1) / partitions);
        List<Share> shares = new ArrayList<>();
        for (int from = 0; from < n; from += per) {
            shares.add(new Share(true, from, Math.min(n, from + per)));
            shares.add(new Share(false, from, Math.min(n, from + per)));
        }
        int[][] hits = jsc.parallelize(shares, shares.size()).map(s -> {
            float[][] queries = s.images() ? bImages.value() : bTexts.value(), items = s.images() ? bTexts.value() : bImages.value();
            int[] g = bGroups.value();
            int[] h = Retrieval.hits(Arrays.copyOfRange(queries, s.from(), s.to()),
                    Arrays.copyOfRange(g, s.from(), s.to()), items, g);
            int[][] both = new int[2][];
            both[s.images() ? 0 : 1] = h;
            both[s.images() ? 1 : 0] = new int[h.length];
            return both;
        }).reduce(RetrievalJob::add);
        double[] i2t = new double[Retrieval.KS.length], t2i = new double[Retrieval.KS.length];
        for (int k = 0; k < i2t.length; k++) {
            i2t[k] = (double) hits[0][k] / n;
            t2i[k] = (double) hits[1][k] / n;
        }
        return new Outcome(new RetrievalResult(i2t, t2i, n, n), failed);
    }

    /** One embedding per caption, each distinct caption embedded once (on the executors). */
    private static float[][] embedCaptions(SparkSession spark, ModelRef ref, List<String> captions, int partitions) {
        List<Row> unique = new LinkedHashSet<>(captions).stream().map(c -> RowFactory.create(c)).toList();
        StructType schema = new StructType().add("text", DataTypes.StringType, false);
        Dataset<Row> in = spark.createDataFrame(jsc(spark).parallelize(unique, Math.max(1, Math.min(partitions, unique.size()))), schema);
        Map<String, float[]> byText = new HashMap<>();
        for (Row r : ClipSpark.embedTexts(in, "text", ref).collectAsList()) {
            byText.put(r.getString(EmbeddingSchema.KEY), EmbeddingSchema.embedding(r));
        }
        float[][] out = new float[captions.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = byText.get(captions.get(i));
        }
        return out;
    }

    private static int[][] add(int[][] a, int[][] b) {
        int[][] sum = new int[2][a[0].length];
        for (int d = 0; d < 2; d++) {
            for (int k = 0; k < sum[d].length; k++) {
                sum[d][k] = a[d][k] + b[d][k];
            }
        }
        return sum;
    }

    private static JavaSparkContext jsc(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }
}
