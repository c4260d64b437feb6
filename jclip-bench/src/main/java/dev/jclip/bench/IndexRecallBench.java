package dev.jclip.bench;

import dev.jclip.index.Hit;
import dev.jclip.index.HnswParams;
import dev.jclip.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recall of {@link VectorIndex#search} (HNSW) against {@link VectorIndex#searchExact}, with build
 * time and query latency, on synthetic unit vectors: "gaussian" (isotropic, the hard case for HNSW)
 * and "clustered" (closer to CLIP embeddings: a direction shared by all, 1000 clusters, noise; two
 * items of a cluster have cosine ≈ 0.76, of different clusters ≈ 0.38).
 *
 * <p>Usage: {@code IndexRecallBench [n] [dim] [queries] [runs]}, defaults
 * {@code 100000 512 200 gaussian:100,clustered:100}, a run being a distribution and an HNSW beam
 * width (M is Lucene's default, 16); add e.g. {@code clustered:200} to see a costlier graph (it
 * roughly doubles the build time, and gains less recall than more query candidates). Each run
 * builds its own index, single-threaded; building dominates the run time.
 * Queries are fresh draws from the same distribution. Latencies are single-threaded, measured on a
 * second pass over the queries (the first warms the JIT).
 */
public final class IndexRecallBench {
    private static final int K = 10;
    private static final int[] CANDIDATES = {10, 20, 50, 100};
    private static final int CLUSTERS = 1000;
    private static final String MODEL = "bench-random";

    private IndexRecallBench() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String runs = args.length > 3 ? args[3] : "gaussian:100,clustered:100";
        System.out.printf("IndexRecallBench: n=%d dim=%d queries=%d k=%d, java %s, %d cpus%n",
                n, dim, queries, K, Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (String spec : runs.split(",")) {
            String[] parts = spec.split(":");
            run(parts[0], n, dim, queries, new HnswParams(HnswParams.DEFAULT.maxConn(), Integer.parseInt(parts[1])));
        }
    }

    private static void run(String distribution, int n, int dim, int queries, HnswParams params) throws IOException {
        Path dir = Files.createTempDirectory("jclip-index-bench");
        try {
            Source source = new Source(distribution, dim, 42);
            long t0 = System.nanoTime();
            try (VectorIndex index = VectorIndex.open(dir, MODEL, dim, params)) {
                for (int i = 0; i < n; i++) {
                    index.upsert("item-" + i, 0, 0, source.next());
                }
            }
            long t1 = System.nanoTime();
            try (VectorIndex index = VectorIndex.open(dir, MODEL, dim, params)) {
                index.forceMerge();
            }
            long t2 = System.nanoTime();
            System.out.printf("%n%s, M=%d beamWidth=%d: build %.1f s (%.0f vectors/s), forceMerge %.1f s, %.0f MB on disk%n",
                    distribution, params.maxConn(), params.beamWidth(), (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9),
                    (t2 - t1) / 1e9, folderBytes(dir) / 1e6);

            float[][] query = new float[queries][];
            for (int q = 0; q < queries; q++) {
                query[q] = source.next();
            }
            try (VectorIndex index = VectorIndex.openForSearch(dir, MODEL)) {
                List<Set<String>> truth = new ArrayList<>();
                long[] exactNanos = new long[queries];
                for (int q = 0; q < queries; q++) {
                    long s = System.nanoTime();
                    List<Hit> exact = index.searchExact(query[q], K);
                    exactNanos[q] = System.nanoTime() - s;
                    truth.add(new HashSet<>(exact.stream().map(Hit::path).toList()));
                }
                System.out.printf("  exact search: %.2f ms/query (median)%n", median(exactNanos) / 1e6);
                for (int candidates : CANDIDATES) {
                    long[] nanos = new long[queries];
                    int found = 0;
                    for (int pass = 0; pass < 2; pass++) {
                        found = 0;
                        for (int q = 0; q < queries; q++) {
                            long s = System.nanoTime();
                            List<Hit> hits = index.search(query[q], K, candidates);
                            nanos[q] = System.nanoTime() - s;
                            for (Hit h : hits) {
                                found += truth.get(q).contains(h.path()) ? 1 : 0;
                            }
                        }
                    }
                    Arrays.sort(nanos);
                    System.out.printf("  HNSW candidates=%3d: recall@%d %.4f, %.3f ms/query median, %.3f p99%n",
                            candidates, K, found / (double) (K * queries), median(nanos) / 1e6,
                            nanos[(int) Math.ceil(0.99 * queries) - 1] / 1e6);
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Unit vectors of one distribution, from a fixed seed. */
    private static final class Source {
        private final Random rnd;
        private final int dim;
        private final float[] shared;
        private final float[][] centers;

        Source(String distribution, int dim, long seed) {
            this.rnd = new Random(seed);
            this.dim = dim;
            switch (distribution) {
                case "gaussian" -> {
                    shared = null;
                    centers = null;
                }
                case "clustered" -> {
                    shared = gaussianUnit();
                    centers = new float[CLUSTERS][];
                    for (int c = 0; c < CLUSTERS; c++) {
                        centers[c] = gaussianUnit();
                    }
                }
                default -> throw new IllegalArgumentException("unknown distribution " + distribution);
            }
        }

        float[] next() {
            float[] noise = gaussianUnit();
            if (centers == null) {
                return noise;
            }
            // shared + center + 0.8 noise, all unit and nearly orthogonal: squared norm ≈ 2.64, so
            // cos ≈ 2 / 2.64 within a cluster and 1 / 2.64 across clusters.
            float[] center = centers[rnd.nextInt(CLUSTERS)];
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = shared[i] + center[i] + 0.8f * noise[i];
            }
            return normalize(v);
        }

        private float[] gaussianUnit() {
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            return normalize(v);
        }

        private static float[] normalize(float[] v) {
            double norm = 0;
            for (float x : v) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
            return v;
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
