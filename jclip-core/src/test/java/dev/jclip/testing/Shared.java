package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (reference fixtures) beside the project root; fails loudly when absent. */
public final class Shared {
    private Shared() {}

    /** The project root: the nearest folder above the working directory holding {@code mvnw}. */
    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            fail("cannot find the project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** {@code ../shared/<relative>}, which must exist. */
    public static Path path(String relative) {
        Path shared = projectRoot().resolveSibling("shared");
        Path p = shared.resolve(relative);
        if (!Files.exists(p)) {
            fail("missing reference file " + p + ": these tests need ../shared (the project's fixtures) beside the project root");
        }
        return p;
    }
}
