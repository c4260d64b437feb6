package dev.jclip.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The condition behind {@link RequiresNativeLibrary}. */
final class NativeLibraryCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String soname = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresNativeLibrary.class))
                .or(() -> context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresNativeLibrary.class)))
                .map(RequiresNativeLibrary::value)
                .orElseThrow();
        return evaluate(soname, installed(soname), "true".equals(System.getenv("CI")));
    }

    /** Enabled when the library is installed; else disabled naming it, or under CI an error. */
    static ConditionEvaluationResult evaluate(String soname, boolean installed, boolean ci) {
        if (installed) {
            return ConditionEvaluationResult.enabled(soname + " is installed");
        }
        if (ci) {
            throw new IllegalStateException("CI=true, but the native library " + soname
                    + " is not installed (CI runs every test; .ci/run installs it)");
        }
        return ConditionEvaluationResult.disabled("needs the native library " + soname + ", which is not installed");
    }

    /** Whether the dynamic linker finds {@code soname}; loaded and unloaded again. */
    static boolean installed(String soname) {
        if (!NativeLibraryCondition.class.getModule().isNativeAccessEnabled()) {
            throw new IllegalStateException("@RequiresNativeLibrary needs --enable-native-access for "
                    + NativeLibraryCondition.class.getModule() + " in the tests' JVM options");
        }
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, arena);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
