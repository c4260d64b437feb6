package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.api.ZeroShotClassifier;
import dev.jclip.eval.ZeroShot;
import dev.jclip.eval.ZeroShotResult;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
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
 * Distributed zero-shot classification of a folder with one subfolder of images per class (its
 * name, {@code _} read as a space, is the class name), as {@code jclip eval zeroshot --dataset DIR}
 * does it on one machine: executors embed and score their images with {@link ZeroShot} against the
 * class weights (computed once, on the driver, and broadcast); the driver adds up the confusion
 * matrices and top-5 hits, so the result is exactly the single-machine one. Images that cannot be
 * read are counted and left out.
 */
public final class ZeroShotJob {
    private ZeroShotJob() {}

    /** The result, the class names (in label order), how the model turns logits into probabilities, and the images left out. */
    public record Outcome(ZeroShotResult result, List<String> classNames, ZeroShotClassifier.Probabilities kind, long failed) {}

    /** One partition's share: its confusion matrix, top-5 hits and failed images. */
    private record Part(int[][] confusion, long top5, long failed) implements Serializable {}

    public static Outcome run(SparkSession spark, ModelRef ref, String dataset, List<String> templates, int partitions)
            throws IOException {
        Path root = new Path(dataset);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus[] dirs = Arrays.stream(fs.listStatus(root)).filter(FileStatus::isDirectory)
                .sorted(Comparator.comparing(s -> s.getPath().getName())).toArray(FileStatus[]::new);
        List<String> classes = new ArrayList<>();
        List<Row> items = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        for (FileStatus d : dirs) {
            int label = classes.size();
            classes.add(d.getPath().getName().replace('_', ' '));
            for (String f : Inputs.imageFilesOrNone(spark, d.getPath().toString())) {
                items.add(RowFactory.create(f));
                labels.put(f, label);
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(dataset + " has no class subfolders with images");
        }
        ClipModel model = ExecutorModels.get(ref);
        ZeroShotClassifier zs = model.classifier(classes, templates);
        float[][] weights = new float[classes.size()][];
        for (int c = 0; c < weights.length; c++) {
            weights[c] = zs.classWeights(c);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[][]> w = jsc.broadcast(weights);
        Broadcast<Map<String, Integer>> byKey = jsc.broadcast(labels);
        StructType schema = new StructType().add("key", DataTypes.StringType, false);
        Dataset<Row> in = spark.createDataFrame(jsc.parallelize(items, Math.min(partitions, items.size())), schema);
        int n = classes.size();
        Part total = ClipSpark.embedImages(in, "key", ref).javaRDD()
                .mapPartitions((Iterator<Row> rows) -> List.of(score(rows, byKey.value(), w.value())).iterator())
                .fold(new Part(new int[n][n], 0, 0), ZeroShotJob::add);
        long scored = Arrays.stream(total.confusion()).flatMapToInt(Arrays::stream).asLongStream().sum();
        if (scored == 0) {
            throw new IllegalArgumentException("no image of " + dataset + " could be read (" + total.failed() + " failed)");
        }
        return new Outcome(new ZeroShotResult(total.confusion(), (double) total.top5() / scored), classes, zs.kind(), total.failed());
    }

    private static Part score(Iterator<Row> rows, Map<String, Integer> labels, float[][] weights) {
        List<float[]> images = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        long failed = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            if (r.isNullAt(1)) {
                failed++;
                continue;
            }
            List<Float> e = r.getList(1);
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i);
            }
            images.add(v);
            ys.add(labels.get(r.getString(0)));
        }
        int n = weights.length;
        if (images.isEmpty()) {
            return new Part(new int[n][n], 0, failed);
        }
        ZeroShotResult r = ZeroShot.evaluate(images.toArray(float[][]::new), ys.stream().mapToInt(Integer::intValue).toArray(), weights);
        // top5 is hits / images, exact for these counts: rounding gives the hits back.
        return new Part(r.confusion(), Math.round(r.top5() * images.size()), failed);
    }

    private static Part add(Part a, Part b) {
        int n = a.confusion().length;
        int[][] sum = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum[i][j] = a.confusion()[i][j] + b.confusion()[i][j];
            }
        }
        return new Part(sum, a.top5() + b.top5(), a.failed() + b.failed());
    }
}
