package dev.jclip.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * jclip and a peer timed batch for batch: each round runs one batch of each, which goes first
 * alternating between rounds, with a pause after every batch (longer than a peer's worker threads
 * keep spinning for more work). Whatever else a shared machine does during a round slows both
 * alike, so the ratio of neighbouring batches moves far less than that of separate runs.
 */
final class PairedRounds {
    private static final long PAUSE_MS = 50;

    private PairedRounds() {}

    /** One batch of one side; returns the seconds it took. */
    interface Batch {
        double run() throws Exception;
    }

    /** Each side's batch times, round by round. */
    record Times(double[] jclip, double[] peer) {
        /** The peer's time over jclip's, per round: above 1, jclip was faster. */
        double[] ratios() {
            double[] r = new double[jclip.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = peer[i] / jclip[i];
            }
            return r;
        }
    }

    /**
     * {@code warmup} untimed rounds, then {@code rounds} timed ones, each printed as
     * {@code round R: jclip S s, PEER S s, ratio X}, then the range of the ratios. With
     * {@code settle}, each side's turn starts with an untimed batch: the first batch of a process
     * after the other's is slower than its steady state (open_clip's by up to a fifth after
     * jclip's), and timing it would measure the switch.
     */
    static Times run(Batch jclip, Batch peer, String peerName, int warmup, int rounds, boolean settle) throws Exception {
        double[] mine = new double[rounds], theirs = new double[rounds];
        for (int r = -warmup; r < rounds; r++) {
            boolean jclipFirst = Math.floorMod(r, 2) == 0;
            double first = turn(jclipFirst ? jclip : peer, settle);
            double second = turn(jclipFirst ? peer : jclip, settle);
            if (r >= 0) {
                mine[r] = jclipFirst ? first : second;
                theirs[r] = jclipFirst ? second : first;
                System.out.printf(Locale.ROOT, "round %d: jclip %.3f s, %s %.3f s, ratio %.3f%n", r + 1, mine[r], peerName,
                        theirs[r], theirs[r] / mine[r]);
            }
        }
        Times times = new Times(mine, theirs);
        double[] ratios = times.ratios();
        System.out.printf(Locale.ROOT, "ratio over rounds: min %.3f, max %.3f%n",
                Arrays.stream(ratios).min().orElseThrow(), Arrays.stream(ratios).max().orElseThrow());
        return times;
    }

    /** One timed batch of a side, after an untimed one when {@code settle}, then the pause. */
    private static double turn(Batch side, boolean settle) throws Exception {
        if (settle) {
            side.run();
        }
        double seconds = side.run();
        Thread.sleep(PAUSE_MS);
        return seconds;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
