package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DerivedRandomTest {

    @Test
    void mixIsSplitMix64sFinalizer() {
        // SplitMix64 seeded with 0 first adds the golden gamma, then mixes: its published first output.
        assertEquals(0xE220A8397B1DCDAFL, DerivedRandom.mix(0x9E3779B97F4A7C15L));
        assertEquals(0L, DerivedRandom.mix(0L));
    }

    @Test
    void aStreamDependsOnTheSeedAndTheWholePathInOrder() {
        long a = DerivedRandom.of(7, 1, 2).nextLong();
        assertEquals(a, DerivedRandom.of(7, 1, 2).nextLong());
        assertNotEquals(a, DerivedRandom.of(7, 2, 1).nextLong());
        assertNotEquals(a, DerivedRandom.of(8, 1, 2).nextLong());
        assertNotEquals(a, DerivedRandom.of(7, 1).nextLong());
    }
}
