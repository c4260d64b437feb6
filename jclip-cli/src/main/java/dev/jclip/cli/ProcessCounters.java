package dev.jclip.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The process's CPU time, the collectors' time and count and the bytes all threads have
 * allocated, read at a moment (differences of two readings cover the work between them).
 */
record ProcessCounters(long cpuNanos, long gcMillis, long gcCount, long allocatedBytes) {

    static ProcessCounters now() {
        long millis = 0, count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
            count += Math.max(0, gc.getCollectionCount());
        }
        long allocated = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                ? t.getTotalThreadAllocatedBytes() : -1;
        return new ProcessCounters(ProcessStats.cpuNanos(), millis, count, allocated);
    }

    ProcessCounters minus(ProcessCounters earlier) {
        return new ProcessCounters(cpuNanos - earlier.cpuNanos, gcMillis - earlier.gcMillis, gcCount - earlier.gcCount,
                allocatedBytes - earlier.allocatedBytes);
    }
}
