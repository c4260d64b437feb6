package dev.jclip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The core's API as its module descriptor declares it, checked from inside the module (the tests
 * run on the module path, patched into it): which packages any module may use, and which only the
 * named ones. A new export is a decision about the API, made here too.
 */
class ModuleExportsTest {
    @Test
    void exportsOnlyTheApiPackagesAndTheKernelsToTheModulesThatCallThem() {
        Module core = ClipModel.class.getModule();
        assertTrue(core.isNamed(), "the tests must run on the module path");
        assertEquals("dev.jclip.core", core.getName());

        Map<String, Set<String>> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : core.getDescriptor().exports()) {
            exports.put(e.source(), e.targets());
        }
        Set<String> everyone = Set.of();
        assertEquals(Map.of(
                "dev.jclip.api", everyone,
                "dev.jclip.hub", everyone,
                "dev.jclip.image", everyone,
                "dev.jclip.io", everyone,
                "dev.jclip.model", everyone,
                "dev.jclip.nn", everyone,
                "dev.jclip.tensor", everyone,
                "dev.jclip.text", everyone,
                "dev.jclip.kernel", Set.of("dev.jclip.train", "dev.jclip.cli", "dev.jclip.bench")), exports);
        assertTrue(core.getDescriptor().packages().contains("dev.jclip.op"), "op exists and is not exported");
        assertTrue(core.getDescriptor().opens().isEmpty(), "nothing is opened for reflection");
    }
}
