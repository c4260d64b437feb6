package dev.jclip.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jclip.op.Elementwise;
import dev.jclip.op.Reduce;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OpProfileTest {

    /**
     * With a clock that advances 10 ns per reading, every interval is known: an operation's
     * forward is the time since the previous result (or {@link OpProfile#mark}), its backward
     * the time around its {@link Backward}, filed under the method that made it.
     */
    @Test
    void filesForwardAndBackwardUnderTheOperationThatMadeTheResult() {
        AtomicLong clock = new AtomicLong();
        Tensor x = Tensor.parameter(new float[] {1, 2, 3}, 3);
        OpProfile.start(() -> clock.addAndGet(10));
        Tensor y = Elementwise.scale(x, 2f);   // forward: 10 ns since start
        Tensor z = Reduce.sum(y);              // forward: 10 ns since y
        OpProfile.time("optimizer", () -> null);
        z.backward();
        OpProfile.Table table = OpProfile.stop();
        assertFalse(OpProfile.isOn());
        Map<String, OpProfile.Row> rows = table.rows().stream().collect(Collectors.toMap(OpProfile.Row::kind, r -> r));
        assertEquals(Map.of("Elementwise.scale", 1L, "Reduce.sum", 1L, "optimizer", 1L),
                rows.values().stream().collect(Collectors.toMap(OpProfile.Row::kind, OpProfile.Row::forwardCalls)));
        assertEquals(10, rows.get("Elementwise.scale").forwardNanos());
        assertEquals(10, rows.get("Reduce.sum").forwardNanos());
        assertEquals(10, rows.get("optimizer").forwardNanos());
        assertEquals(1, rows.get("Reduce.sum").backwardCalls());
        assertEquals(10, rows.get("Reduce.sum").backwardNanos());
        assertEquals(10, rows.get("Elementwise.scale").backwardNanos());
        assertEquals(0, rows.get("optimizer").backwardCalls());
        assertEquals(50, table.totalNanos());
        String text = table.format(1);
        assertTrue(text.contains("Elementwise.scale") && text.contains("all"), text);
        assertEquals(6f, x.grad()[0] + x.grad()[1] + x.grad()[2]);
    }

    @Test
    void offRecordsNothing() {
        OpProfile.start();
        OpProfile.stop();
        Tensor x = Tensor.parameter(new float[] {1}, 1);
        Elementwise.scale(x, 2f).backward(new float[] {1});
        assertTrue(OpProfile.stop().rows().isEmpty());
        assertEquals(2f, x.grad()[0]);
    }
}
