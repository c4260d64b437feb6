package dev.jclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SharedTest {
    @Test
    void projectRootIsTheFolderWithTheWrapperAboveThisModule() {
        Path root = Shared.projectRoot();
        assertTrue(Files.isRegularFile(root.resolve("mvnw")), root.toString());
        assertEquals(root.resolve("jclip-test-framework"), Path.of("").toAbsolutePath());
    }

    @Test
    void sharedIsBesideTheProjectRoot() {
        Path root = Shared.projectRoot();
        assertEquals(root.getParent().resolve("shared"), Shared.directory());
        assertEquals(root.getParent().resolve("shared/clip/vocab.txt.gz"), Shared.path("clip/vocab.txt.gz"));
    }
}
