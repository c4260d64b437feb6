package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.kernel.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The models of this executor JVM, loaded once per {@link ModelRef} (float32 weights stay
 * memory-mapped) and shared by all its tasks: a {@link ClipModel} is immutable and thread-safe.
 * The first load also sizes jclip's thread pool as {@link CoreSplit} says, unless the system
 * property {@code jclip.threads} or {@code spark.jclip.threads} sets it.
 */
final class ExecutorModels {
    private ExecutorModels() {}

    private static final ConcurrentMap<ModelRef, ClipModel> MODELS = new ConcurrentHashMap<>();
    private static boolean threadsSet;

    static ClipModel get(ModelRef ref) {
        sizePool();
        return MODELS.computeIfAbsent(ref, r -> {
            try {
                return ClipModel.load(Path.of(r.path()), r.vocab() == null ? null : Path.of(r.vocab()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model " + r.path() + ": " + e.getMessage(), e);
            }
        });
    }

    private static synchronized void sizePool() {
        if (threadsSet) {
            return;
        }
        threadsSet = true;
        SparkEnv env = SparkEnv.get();
        if (System.getProperty("jclip.threads") != null || env == null) {
            return;
        }
        SparkConf conf = env.conf();
        String explicit = conf.get("spark.jclip.threads", null);
        if (explicit != null) {
            Parallel.setThreads(Integer.parseInt(explicit.trim()));
            return;
        }
        int cores = CoreSplit.executorCores(conf.get("spark.executor.cores", null), conf.get("spark.master", null));
        Parallel.setThreads(new CoreSplit(cores, conf.getInt("spark.task.cpus", 1)).threads());
    }
}
