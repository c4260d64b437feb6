package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class SharedConditionTest {
    @TempDir
    Path tmp;

    @Test
    void presentFolderEnablesWithOrWithoutCi() {
        assertFalse(SharedCondition.evaluate(tmp, false).isDisabled());
        assertFalse(SharedCondition.evaluate(tmp, true).isDisabled());
    }

    @Test
    void absentFolderDisablesNamingIt() {
        Path absent = tmp.resolve("shared");
        ConditionEvaluationResult r = SharedCondition.evaluate(absent, false);
        assertTrue(r.isDisabled());
        assertEquals("needs ../shared (the reference fixtures), which is absent: " + absent, r.getReason().orElseThrow());
    }

    @Test
    void absentFolderUnderCiIsAnError() {
        Path absent = tmp.resolve("shared");
        String m = assertThrows(IllegalStateException.class, () -> SharedCondition.evaluate(absent, true)).getMessage();
        assertTrue(m.startsWith("CI=true, but the reference fixtures are missing: " + absent + " does not exist"), m);
    }
}
