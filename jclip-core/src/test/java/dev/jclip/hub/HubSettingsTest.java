package dev.jclip.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubSettings#from}: the variables huggingface_hub reads, with its precedence. */
class HubSettingsTest {
    @TempDir
    Path home;

    @Test
    void defaultsAreHuggingFaces() {
        HubSettings s = HubSettings.from(Map.of(), home);
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), s.cache());
        assertNull(s.token());
        assertFalse(s.offline());
    }

    @Test
    void cacheFolderPrecedence() {
        assertEquals(Path.of("/h/hub"), HubSettings.from(Map.of("XDG_CACHE_HOME", "/x", "HF_HOME", "/h"), home).cache());
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.from(Map.of("XDG_CACHE_HOME", "/x"), home).cache());
        assertEquals(Path.of("/c"), HubSettings.from(Map.of("HF_HOME", "/h", "HF_HUB_CACHE", "/c"), home).cache());
        assertEquals(Path.of("/old"), HubSettings.from(Map.of("HUGGINGFACE_HUB_CACHE", "/old"), home).cache());
        assertEquals(home.resolve("models"), HubSettings.from(Map.of("HF_HUB_CACHE", "~/models"), home).cache());
    }

    @Test
    void tokenFromTheVariableElseTheTokenFile() throws IOException {
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_fromfile\n");
        assertEquals("hf_fromfile", HubSettings.from(Map.of(), home).token());
        assertEquals("hf_env", HubSettings.from(Map.of("HF_TOKEN", "hf_env"), home).token());
        Files.writeString(home.resolve("t"), "hf_path");
        assertEquals("hf_path", HubSettings.from(Map.of("HF_TOKEN_PATH", home.resolve("t").toString()), home).token());
    }

    @Test
    void offlineAndEndpoint() {
        for (String yes : new String[] {"1", "true", "ON", "yes"}) {
            assertTrue(HubSettings.from(Map.of("HF_HUB_OFFLINE", yes), home).offline(), yes);
        }
        assertTrue(HubSettings.from(Map.of("TRANSFORMERS_OFFLINE", "1"), home).offline());
        assertFalse(HubSettings.from(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
        assertEquals(URI.create("https://mirror.example/hf"), HubSettings.from(Map.of("HF_ENDPOINT", "https://mirror.example/hf/"), home)
                .endpoint());
    }
}
