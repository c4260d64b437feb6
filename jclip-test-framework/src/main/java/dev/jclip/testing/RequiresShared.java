package dev.jclip.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that reads {@code ../shared} ({@link Shared}). Without that folder
 * it is skipped, and each module's run ends with one line saying how many were ({@link SharedSummary});
 * with the environment variable {@code CI=true} its absence fails the test instead, so that CI never
 * passes without the parity tests.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SharedCondition.class)
public @interface RequiresShared {}
