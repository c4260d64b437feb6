package dev.jclip.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CoreSplitTest {
    @Test
    void tasksAndPoolThreadsNeverExceedTheCores() {
        assertEquals(2, new CoreSplit(2, 1).slots());
        assertEquals(1, new CoreSplit(2, 1).threads());
        assertEquals(1, new CoreSplit(8, 8).slots());
        assertEquals(8, new CoreSplit(8, 8).threads());
        assertEquals(4, new CoreSplit(8, 2).slots());
        assertEquals(5, new CoreSplit(8, 2).threads());
        assertEquals(1, new CoreSplit(2, 4).slots());
        assertEquals(2, new CoreSplit(2, 4).threads());
        assertThrows(IllegalArgumentException.class, () -> new CoreSplit(0, 1));
    }

    @Test
    void executorCoresComeFromTheConfOrTheLocalMaster() {
        assertEquals(6, CoreSplit.executorCores("6", "local[2]"));
        assertEquals(2, CoreSplit.executorCores(null, "local[2]"));
        assertEquals(3, CoreSplit.executorCores(null, "local[3,2]"));
        assertEquals(1, CoreSplit.executorCores(null, "local"));
        assertEquals(Runtime.getRuntime().availableProcessors(), CoreSplit.executorCores(null, "local[*]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), CoreSplit.executorCores(null, "yarn"));
    }
}
