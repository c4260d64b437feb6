package dev.jclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void cosineWarmsUpLinearlyThenDecaysToZero() {
        LrSchedule s = LrSchedule.cosine(1.0, 4, 14);
        assertEquals(0.25, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(3), 1e-12);
        assertEquals(1.0, s.lr(4), 1e-12);      // cos(0)
        assertEquals(0.5, s.lr(9), 1e-12);      // halfway through the 10 decay steps
        assertEquals(0.0, s.lr(14), 1e-12);
    }

    @Test
    void constantAndCooldown() {
        assertEquals(0.5, LrSchedule.constant(0.5, 0).lr(1000), 0);
        LrSchedule c = LrSchedule.constantWithCooldown(1.0, 0, 10, 4, 0.0);
        assertEquals(1.0, c.lr(5), 0);
        assertEquals(1.0, c.lr(6), 0);
        assertEquals(0.5, c.lr(8), 1e-12);
        assertEquals(0.0, c.lr(10), 1e-12);
    }
}
