package dev.jclip.testing;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the test methods skipped because {@code ../shared} is absent and says so in one line at
 * the end of a module's run, instead of a message per class. Registered with the JUnit Platform
 * through {@code META-INF/services}, so every module whose tests use this one gets it.
 */
public final class SharedSummary implements TestExecutionListener {
    private final Set<String> classes = ConcurrentHashMap.newKeySet();
    private final Set<String> methods = ConcurrentHashMap.newKeySet();
    private volatile TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        classes.clear();
        methods.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (reason != null && reason.startsWith(SharedCondition.REASON)) {
            Stream.concat(Stream.of(id), plan.getDescendants(id).stream())
                    .flatMap(t -> t.getSource().stream())
                    .filter(MethodSource.class::isInstance)
                    .map(MethodSource.class::cast)
                    .forEach(m -> {
                        classes.add(m.getClassName());
                        methods.add(m.getClassName() + "#" + m.getMethodName() + "(" + m.getMethodParameterTypes() + ")");
                    });
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (!methods.isEmpty()) {
            System.out.println(summary());
        }
    }

    /** The line that ends a run in which tests were skipped for want of {@code ../shared}. */
    String summary() {
        return String.format("%s: skipped %d test methods in %d classes that need the reference fixtures, because %s is absent; "
                        + "put them there to run every test (with CI=true their absence fails the build)",
                Path.of("").toAbsolutePath().getFileName(), methods.size(), classes.size(), Shared.directory());
    }
}
