package dev.jclip.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where models come from and go: the hub's address, the local cache folder, the access token and
 * whether the network may be used. {@link #fromEnvironment()} reads the variables that Python's
 * {@code huggingface_hub} reads, so both share one cache and one configuration.
 *
 * @param endpoint the hub ({@code HF_ENDPOINT}, default {@value #DEFAULT_ENDPOINT}); a mirror that
 *     serves the hub's {@code /{repo}/resolve/{revision}/{file}} layout works the same
 * @param cache the cache folder ({@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 *     {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub})
 * @param token a bearer token ({@code HF_TOKEN}, else the file {@code HF_TOKEN_PATH} or
 *     {@code $HF_HOME/token}), or null
 * @param offline true when nothing may be downloaded ({@code HF_HUB_OFFLINE} or
 *     {@code TRANSFORMERS_OFFLINE} set to 1, ON, YES or TRUE): only the cache is used
 */
public record HubSettings(URI endpoint, Path cache, String token, boolean offline) {
    /** The public hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    public HubSettings {
        if (endpoint == null || cache == null) {
            throw new IllegalArgumentException("a hub endpoint and a cache folder are needed");
        }
        String e = endpoint.toString();
        if (e.endsWith("/")) {
            endpoint = URI.create(e.substring(0, e.length() - 1));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /** The settings of this process's environment and user. */
    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The settings that the variables {@code env} give a user whose home folder is {@code home}. */
    public static HubSettings from(Map<String, String> env, Path home) {
        Path hfHome = path(env, "HF_HOME", path(env, "XDG_CACHE_HOME", home.resolve(".cache"), home).resolve("huggingface"), home);
        Path cache = path(env, "HF_HUB_CACHE", path(env, "HUGGINGFACE_HUB_CACHE", hfHome.resolve("hub"), home), home);
        String token = env.get("HF_TOKEN");
        if (token == null || token.isBlank()) {
            token = readToken(path(env, "HF_TOKEN_PATH", hfHome.resolve("token"), home));
        }
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE")) || isTrue(env.get("TRANSFORMERS_OFFLINE"));
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT);
        return new HubSettings(URI.create(endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip()), cache, token, offline);
    }

    /** These settings with the network forbidden. */
    public HubSettings offlineOnly() {
        return new HubSettings(endpoint, cache, token, true);
    }

    private static Path path(Map<String, String> env, String name, Path otherwise, Path home) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        return v.equals("~") ? home : v.startsWith("~/") ? home.resolve(v.substring(2)) : Path.of(v);
    }

    private static boolean isTrue(String v) {
        return v != null && TRUE.contains(v.strip().toUpperCase(Locale.ROOT));
    }

    private static String readToken(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the hub token file " + file + ": " + e.getMessage(), e);
        }
    }
}
