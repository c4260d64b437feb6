package dev.jclip.cli;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks report about the process itself: its peak resident set and the CPU time it used. */
final class ProcessStats {
    private ProcessStats() {}

    /** Peak resident set in MiB, from Linux's {@code /proc/self/status} ({@code VmHWM}); -1 where {@code /proc} does not tell it. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024; // the value is in kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time of the process's live threads so far, in nanoseconds, to the nanosecond where the
     * platform measures it so ({@link #cpuNanos} counts in scheduler ticks); -1 where unknown.
     */
    static long threadsCpuNanos() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) {
            return -1;
        }
        long sum = 0;
        for (long t : threads.getThreadCpuTime(threads.getAllThreadIds())) {
            sum += Math.max(0, t);
        }
        return sum;
    }

    /** CPU time of the whole process so far, in nanoseconds (-1 where unknown). */
    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
