package dev.jclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code jclip bench gemm}: the result lines, with and without fused activations. */
class BenchGemmCommandTest {

    @Test
    void oneResultLinePerActivationAfterTheirRatios() {
        Cli r = Cli.run("bench", "gemm", "--m", "13", "--n", "40", "--k", "9", "--trans-b",
                "--activation", "quick,erf,tanh", "--warmup-seconds", "0", "--reps", "3");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        int n = lines.length;
        assertEquals(9 + 1 + 3 + 2 + 3, n, r.out);
        assertTrue(lines[0].matches("rep 1 quick: [0-9.]+ GFLOP/s, [0-9.]+ GFLOP per CPU-second"), lines[0]);
        assertTrue(lines[2].matches("rep 1 tanh: [0-9.]+ GFLOP/s, [0-9.]+ GFLOP per CPU-second"), lines[2]);
        assertTrue(lines[n - 8].matches("best quick: [0-9.]+ GFLOP per CPU-second"), lines[n - 8]);
        assertTrue(lines[n - 6].matches("best tanh: [0-9.]+ GFLOP per CPU-second"), lines[n - 6]);
        assertTrue(lines[n - 5].matches("erf/quick median per-round speed ratio [0-9]+\\.[0-9]{3}"), lines[n - 5]);
        assertTrue(lines[n - 4].matches("tanh/quick median per-round speed ratio [0-9]+\\.[0-9]{3}"), lines[n - 4]);
        for (int i = 0; i < 3; i++) {
            String kind = new String[] {"quick", "erf", "tanh"}[i];
            assertTrue(lines[n - 3 + i].matches("gemm m=13 n=40 k=9 threads=[0-9]+ activation=" + kind + " gflops=[0-9]+\\.[0-9]"),
                    lines[n - 3 + i]);
        }

        Cli plain = Cli.run("bench", "gemm", "--m", "5", "--n", "7", "--k", "3", "--warmup-seconds", "0", "--reps", "1");
        assertEquals(0, plain.code, plain.err);
        String[] plainLines = plain.out.strip().split("\n");
        assertTrue(plainLines[plainLines.length - 1].matches("gemm m=5 n=7 k=3 threads=[0-9]+ gflops=[0-9]+\\.[0-9]"), plain.out);
        assertTrue(plainLines[plainLines.length - 2].matches("best: [0-9.]+ GFLOP per CPU-second"), plain.out);

        Cli batched = Cli.run("bench", "gemm", "--m", "5", "--n", "7", "--k", "3", "--batch", "2", "--activation", "erf");
        assertEquals(1, batched.code);
        assertTrue(batched.err.contains("--activation works with --batch 1 only"), batched.err);
    }
}
