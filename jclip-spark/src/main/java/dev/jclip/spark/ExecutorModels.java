package dev.jclip.spark;

import dev.jclip.api.ClipModel;
import dev.jclip.compute.Parallel;
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
 * They all compute on one pool of this executor, sized as {@link CoreSplit} says unless
 * {@code spark.jclip.threads} sets it.
 */
final class ExecutorModels {
    private ExecutorModels() {}

    private static final ConcurrentMap<ModelRef, ClipModel> MODELS = new ConcurrentHashMap<>();
    private static Parallel pool;

    static ClipModel get(ModelRef ref) {
        Parallel p = pool();
        return MODELS.computeIfAbsent(ref, r -> {
            try {
                return ClipModel.load(Path.of(r.path()), r.vocab() == null ? null : Path.of(r.vocab())).withParallel(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model " + r.path() + ": " + e.getMessage(), e);
            }
        });
    }

    private static synchronized Parallel pool() {
        if (pool == null) {
            SparkEnv env = SparkEnv.get();
            pool = env == null ? Parallel.shared() : Parallel.of(threads(env.conf()));
        }
        return pool;
    }

    private static int threads(SparkConf conf) {
        String explicit = conf.get("spark.jclip.threads", null);
        if (explicit != null) {
            return Integer.parseInt(explicit.trim());
        }
        int cores = CoreSplit.executorCores(conf.get("spark.executor.cores", null), conf.get("spark.master", null));
        return new CoreSplit(cores, conf.getInt("spark.task.cpus", 1)).threads();
    }
}
