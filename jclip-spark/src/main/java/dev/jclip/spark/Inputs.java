package dev.jclip.spark;

import dev.jclip.data.Braces;
import dev.jclip.image.ImageExtensions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The items of a job, listed on the driver in a stable order (so that chunks, and thus resumption, line up between runs). */
public final class Inputs {
    private Inputs() {}

    /** Every image file (by {@link ImageExtensions}) under {@code dir}, recursively, as qualified URIs sorted by path; none is an error. */
    public static List<String> imageFiles(SparkSession spark, String dir) throws IOException {
        List<String> out = imageFilesOrNone(spark, dir);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no images (" + String.join(", ", ImageExtensions.ALL) + ") in " + dir);
        }
        return out;
    }

    /** {@link #imageFiles}, possibly none. */
    static List<String> imageFilesOrNone(SparkSession spark, String dir) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new IllegalArgumentException(dir + " is not a folder");
        }
        List<String> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (ImageExtensions.matches(p.getName())) {
                out.add(p.toString());
            }
        }
        out.sort(null);
        return out;
    }

    /** The non-blank lines of a text file (paths, or texts to embed), in order. */
    public static List<String> lines(SparkSession spark, String file) {
        List<String> out = spark.read().textFile(file).filter((FilterFunction<String>) l -> !l.isBlank()).collectAsList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no lines");
        }
        return out;
    }

    /** Column {@code column} (a string: paths or texts) of a Parquet file or folder, in file order; a null is an error naming the row. */
    public static List<String> parquetColumn(SparkSession spark, String file, String column) {
        return parquetColumns(spark, file, column, null).items();
    }

    /** Items with their captions (null where there is none, or when {@code captions} is null). */
    public record Captioned(List<String> items, List<String> captions) {}

    /**
     * Columns {@code column} (image paths, never null: a null is an error naming the row) and
     * {@code captionColumn} (null: none) of a Parquet file or folder, in file order.
     */
    public static Captioned parquetColumns(SparkSession spark, String file, String column, String captionColumn) {
        Dataset<Row> df = spark.read().parquet(file);
        List<Row> rows = (captionColumn == null ? df.select(column) : df.select(column, captionColumn)).collectAsList();
        List<String> items = new ArrayList<>(rows.size());
        List<String> captions = captionColumn == null ? null : new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isNullAt(0)) {
                throw new IllegalArgumentException(file + ": row " + (i + 1) + " has no " + column);
            }
            items.add(rows.get(i).getString(0));
            if (captions != null) {
                captions.add(rows.get(i).getString(1));
            }
        }
        return new Captioned(items, captions);
    }

    /**
     * The WebDataset shards a pattern names, in order: brace groups ({@code shard-{0000..0099}.tar},
     * {@code {train,val}.tar}) expand first, then each name with {@code * ? [} is a Hadoop glob
     * (matches sorted; none is an error). Names without a glob are kept (qualified) whether they
     * exist or not, so a missing shard becomes an error row, not a silent gap.
     */
    public static List<String> shards(SparkSession spark, String pattern) throws IOException {
        List<String> out = new ArrayList<>();
        for (String name : Braces.expand(pattern)) {
            Path p = new Path(name);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!name.matches(".*[*?\\[].*")) {
                out.add(fs.makeQualified(p).toString());
                continue;
            }
            FileStatus[] found = fs.globStatus(p);
            if (found == null || found.length == 0) {
                throw new IllegalArgumentException("no shards match " + name);
            }
            List<String> matched = new ArrayList<>();
            for (FileStatus f : found) {
                if (f.isFile()) {
                    matched.add(f.getPath().toString());
                }
            }
            matched.sort(null);
            out.addAll(matched);
        }
        return out;
    }
}
