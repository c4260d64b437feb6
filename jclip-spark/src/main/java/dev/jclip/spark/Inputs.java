package dev.jclip.spark;

import dev.jclip.image.ImageExtensions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.FilterFunction;
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
        List<Row> rows = spark.read().parquet(file).select(column).collectAsList();
        List<String> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).isNullAt(0)) {
                throw new IllegalArgumentException(file + ": row " + (i + 1) + " has no " + column);
            }
            out.add(rows.get(i).getString(0));
        }
        return out;
    }
}
