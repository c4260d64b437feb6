package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SharedSummaryTest {
    /** Discovered, never run (Surefire runs no nested class). */
    static class Fixture {
        @Test
        void first() {}

        @Test
        void second() {}
    }

    static class OtherFixture {
        @Test
        void third() {}
    }

    private static final String SKIPPED = SharedCondition.REASON + ": /x/shared";

    private final TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(Fixture.class), selectClass(OtherFixture.class)).build());
    private final SharedSummary summary = new SharedSummary();

    @Test
    void aSkippedClassCountsItsMethods() {
        summary.testPlanExecutionStarted(plan);
        summary.executionSkipped(find(Fixture.class, null), SKIPPED);
        summary.executionSkipped(find(OtherFixture.class, "third"), SKIPPED);
        assertEquals("jclip-test-framework: skipped 3 test methods in 2 classes that need the reference fixtures, because "
                + Shared.directory() + " is absent; put them there to run every test (with CI=true their absence fails the build)",
                summary.summary());
    }

    @Test
    void otherSkipsAreNotCountedAndEachMethodOnce() {
        summary.testPlanExecutionStarted(plan);
        summary.executionSkipped(find(Fixture.class, "first"), "disabled for another reason");
        summary.executionSkipped(find(Fixture.class, "second"), SKIPPED);
        summary.executionSkipped(find(Fixture.class, "second"), SKIPPED);
        String line = summary.summary();
        assertTrue(line.startsWith("jclip-test-framework: skipped 1 test methods in 1 classes "), line);
    }

    /** The identifier of {@code type}'s method {@code method}, or of the class itself when it is null. */
    private TestIdentifier find(Class<?> type, String method) {
        List<TestIdentifier> all = plan.getRoots().stream().flatMap(r -> plan.getDescendants(r).stream()).toList();
        return all.stream().filter(id -> id.getSource().map(s -> method == null
                        ? s instanceof ClassSource c && c.getJavaClass() == type
                        : s instanceof MethodSource m && m.getJavaClass() == type && m.getMethodName().equals(method)).orElse(false))
                .findFirst().orElseThrow();
    }
}
