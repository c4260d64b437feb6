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
        Set<String> benchmarks = Set.of("dev.jclip.cli", "dev.jclip.bench");
        assertEquals(Map.ofEntries(
                Map.entry("dev.jclip.api", everyone),
                Map.entry("dev.jclip.compute", everyone),
                Map.entry("dev.jclip.hub", everyone),
                Map.entry("dev.jclip.image", everyone),
                Map.entry("dev.jclip.io", everyone),
                Map.entry("dev.jclip.model", everyone),
                Map.entry("dev.jclip.nn", everyone),
                Map.entry("dev.jclip.tensor", everyone),
                Map.entry("dev.jclip.text", everyone),
                Map.entry("dev.jclip.text.hf", everyone),
                Map.entry("dev.jclip.kernel", benchmarks),
                // The operations, to jclip-bench alone: its JMH benchmark of the convolutions.
                Map.entry("dev.jclip.op", Set.of("dev.jclip.bench")),
                Map.entry("dev.jclip.plan", benchmarks)), exports);
        assertTrue(core.getDescriptor().opens().isEmpty(), "nothing is opened for reflection");
    }
}
