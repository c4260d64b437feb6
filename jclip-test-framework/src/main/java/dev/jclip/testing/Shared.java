package dev.jclip.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference fixtures in {@code ../shared}, the folder beside the project root that holds what
 * the Python peers wrote (models, tensors, images, vocabularies). It is not part of the repository:
 * tests that read it are marked {@link RequiresShared}, and only name its files through
 * {@link #path}, never in a static initializer.
 */
public final class Shared {
    private Shared() {}

    /** The project root: the nearest folder at or above the working directory that holds {@code mvnw}. */
    public static Path projectRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the project root (a folder with mvnw) at or above " + start);
    }

    /** The folder {@code ../shared} beside the project root, whether it exists or not. */
    public static Path directory() {
        return projectRoot().resolveSibling("shared");
    }

    /**
     * {@code ../shared/<relative>}. This only names the file; a test that reads it is marked
     * {@link RequiresShared}, and a file missing from a present {@code ../shared} fails it.
     */
    public static Path path(String relative) {
        return directory().resolve(relative);
    }
}
