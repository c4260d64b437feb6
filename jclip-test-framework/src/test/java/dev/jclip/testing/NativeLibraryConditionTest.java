package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class NativeLibraryConditionTest {
    @Test
    void installedLibraryEnablesWithOrWithoutCi() {
        assertFalse(NativeLibraryCondition.evaluate("libz.so.1", true, false).isDisabled());
        assertFalse(NativeLibraryCondition.evaluate("libz.so.1", true, true).isDisabled());
    }

    @Test
    void missingLibraryDisablesNamingIt() {
        ConditionEvaluationResult r = NativeLibraryCondition.evaluate("libnone.so.7", false, false);
        assertTrue(r.isDisabled());
        assertEquals("needs the native library libnone.so.7, which is not installed", r.getReason().orElseThrow());
    }

    @Test
    void missingLibraryUnderCiIsAnError() {
        String m = assertThrows(IllegalStateException.class,
                () -> NativeLibraryCondition.evaluate("libnone.so.7", false, true)).getMessage();
        assertEquals("CI=true, but the native library libnone.so.7 is not installed (CI runs every test; .ci/run installs it)", m);
    }

    @Test
    void theDynamicLinkerDecides() {
        assertTrue(NativeLibraryCondition.installed("libc.so.6"));
        assertFalse(NativeLibraryCondition.installed("libjclip-no-such-library.so.0"));
    }
}
