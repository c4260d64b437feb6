package dev.jclip.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link RequiresShared}. */
final class SharedCondition implements ExecutionCondition {
    /** How every skip for a missing {@code ../shared} begins, so that {@link SharedSummary} can count them. */
    static final String REASON = "needs ../shared (the reference fixtures), which is absent";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Shared.present()) {
            return ConditionEvaluationResult.enabled("../shared is present");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true, but the reference fixtures are missing: " + Shared.directory()
                    + " does not exist (CI runs every test; put ../shared beside the project root)");
        }
        return ConditionEvaluationResult.disabled(REASON + ": " + Shared.directory());
    }
}
