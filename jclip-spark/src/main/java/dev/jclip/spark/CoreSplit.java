package dev.jclip.spark;

/**
 * How an executor's cores are divided between Spark's task slots and jclip's thread pool. An
 * executor runs {@code slots = cores / taskCpus} tasks at once, and all of them share the executor's one
 * pool ({@link dev.jclip.compute.Parallel}). Each task's thread computes too, so the pool gets
 * {@code cores - slots} workers ({@link #threads} = {@code cores - slots + 1}, the caller
 * included): at most {@code cores} threads ever compute. {@code local[2]} with one cpu per task
 * gives 2 slots and no pool workers; {@code spark.task.cpus} equal to the executor's cores gives
 * one task that uses every core through the pool.
 */
public record CoreSplit(int cores, int taskCpus) {
    public CoreSplit {
        if (cores < 1 || taskCpus < 1) {
            throw new IllegalArgumentException("cores and cpus per task must be at least 1, got " + cores + " and " + taskCpus);
        }
    }

    /** Tasks an executor runs at once. */
    public int slots() {
        return Math.max(1, cores / taskCpus);
    }

    /** The thread count of the executor's pool ({@link dev.jclip.compute.Parallel#of}). */
    public int threads() {
        return Math.max(1, cores - slots() + 1);
    }

    /**
     * The executor's cores: {@code spark.executor.cores} when set, else the N of a
     * {@code local[N]} master ({@code *}: the machine's processors), else the machine's processors.
     */
    static int executorCores(String executorCores, String master) {
        if (executorCores != null) {
            return Integer.parseInt(executorCores.trim());
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (master != null && master.startsWith("local[")) {
            String n = master.substring("local[".length(), master.indexOf(']') < 0 ? master.length() : master.indexOf(']'));
            n = n.contains(",") ? n.substring(0, n.indexOf(',')) : n;
            return n.equals("*") ? processors : Integer.parseInt(n.trim());
        }
        return master != null && master.equals("local") ? 1 : processors;
    }
}
