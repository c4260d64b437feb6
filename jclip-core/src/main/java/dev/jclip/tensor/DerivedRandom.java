package dev.jclip.tensor;

import java.util.SplittableRandom;

/**
 * The one seeded generator: random streams derived from a seed and a path of counters (epoch,
 * step, item, ...) through SplitMix64's finalizer. A {@link SplittableRandom} cannot be saved, so
 * nothing in training keeps one across steps: each use builds its stream from
 * {@code (seed, counters)}, and a checkpoint that stores the seed and the counters restores every
 * stream; data sets derive each item's randomness the same way, whatever the order or thread.
 */
public final class DerivedRandom {
    private DerivedRandom() {}

    /** The stream for {@code seed} at {@code path}; distinct paths give independent streams. */
    public static SplittableRandom of(long seed, long... path) {
        long h = mix(seed);
        for (long p : path) {
            // Chain through the mixer so (a, b) and (b, a) differ.
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return new SplittableRandom(h);
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijection on longs that spreads every input bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
