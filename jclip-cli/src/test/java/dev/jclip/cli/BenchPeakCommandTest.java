package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code jclip bench peak}: one line per repetition, the result line last, and its argument checks. */
class BenchPeakCommandTest {

    @Test
    void resultLineAfterTheRepetitions() {
        Cli r = Cli.run("bench", "peak", "--threads", "2", "--iterations", "200000", "--reps", "2");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        assertEquals(4, lines.length, r.out);
        assertTrue(lines[0].matches("rep 1: [0-9.]+ GFLOP/s, [0-9.]+ per CPU second of a thread"), lines[0]);
        assertTrue(lines[3].matches("peak threads=2 vector=[0-9]+ gflops=[0-9]+\\.[0-9] gflops_per_core=[0-9]+\\.[0-9]"
                + " gflops_cpu=[0-9]+\\.[0-9]"), lines[3]);
        // 200000 rounds of 12 vector FMAs per thread cannot take a whole second: well above 0.
        double gflops = Double.parseDouble(lines[3].replaceAll(".* gflops=([0-9.]+) .*", "$1"));
        assertTrue(gflops > 0.1, lines[3]);

        Cli bad = Cli.run("bench", "peak", "--threads", "0");
        assertEquals(1, bad.code);
        assertTrue(bad.err.contains("--threads, --iterations and --reps must be positive"), bad.err);
    }
}
