package dev.jclip.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size, from Linux's {@code /proc/self/status} ({@code VmHWM}). */
final class PeakRss {
    private PeakRss() {}

    /** Peak RSS in MiB, or -1 where {@code /proc} does not tell it. */
    static long megabytes() {
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
}
