package dev.jclip.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link RequiresShared}. */
final class SharedCondition implements ExecutionCondition {
    /** How every skip for a missing {@code ../shared} begins, so that {@link SharedSummary} can count them. */
    static final String REASON = "needs ../shared (the reference fixtures), which is absent";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return evaluate(Shared.directory(), "true".equals(System.getenv("CI")));
    }

    /** Enabled when {@code shared} exists; else disabled, or under CI an error. */
    static ConditionEvaluationResult evaluate(Path shared, boolean ci) {
        if (Files.isDirectory(shared)) {
            return ConditionEvaluationResult.enabled(shared + " is present");
        }
        if (ci) {
            throw new IllegalStateException("CI=true, but the reference fixtures are missing: " + shared
                    + " does not exist (CI runs every test; put ../shared beside the project root)");
        }
        return ConditionEvaluationResult.disabled(REASON + ": " + shared);
    }
}
