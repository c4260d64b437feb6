package dev.jclip.data;

import dev.jclip.tensor.DerivedRandom;

/** Derives independent seeds from (seed, purpose, index), so each item's randomness is fixed whatever the order or thread. */
final class Seeds {
    static final long SHUFFLE = 0x5348_5546_464c_4531L;
    static final long SHARDS = 0x5348_4152_4453_3031L;
    static final long CAPTIONS = 0x4341_5054_494f_4e53L;
    static final long SHAPES_TRAIN = 0x5348_4150_4554_524eL;
    static final long SHAPES_EVAL = 0x5348_4150_4545_5641L;

    private Seeds() {}

    /** A well-mixed 64-bit seed for item {@code index} of stream {@code purpose} under {@code seed}. */
    static long mix(long seed, long purpose, long index) {
        return DerivedRandom.mix(DerivedRandom.mix(seed ^ purpose) + index * 0x9E37_79B9_7F4A_7C15L);
    }
}
