package dev.jclip.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The index stores vectors of any model: its module needs Lucene and nothing of jclip. */
class ModuleTest {
    @Test
    void requiresLuceneAlone() {
        Module index = VectorIndex.class.getModule();
        assertEquals("dev.jclip.index", index.getName(), "the tests must run on the module path");
        Set<String> requires = new TreeSet<>();
        for (ModuleDescriptor.Requires r : index.getDescriptor().requires()) {
            requires.add(r.name());
        }
        assertEquals(Set.of("java.base", "org.apache.lucene.core"), requires);
    }
}
