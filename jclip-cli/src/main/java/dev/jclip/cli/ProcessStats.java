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

    /** CPU time of the whole process so far, in nanoseconds (-1 where unknown). */
    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
