package dev.jclip.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that exercises a native library (by its soname, such as
 * {@code libdeflate.so.0}) which the code uses when it is installed. Without the library it is
 * skipped with a message naming it; with the environment variable {@code CI=true} its absence
 * fails the test instead (as {@link RequiresShared} does), so that CI never passes without
 * running the native paths. The check loads the library, so the tests need
 * {@code --enable-native-access} for the module (or {@code ALL-UNNAMED}) this class is in.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(NativeLibraryCondition.class)
public @interface RequiresNativeLibrary {
    /** The library's soname, as the dynamic linker finds it. */
    String value();
}
