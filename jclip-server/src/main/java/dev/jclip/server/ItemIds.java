package dev.jclip.server;

import dev.jclip.index.IndexEntry;
import dev.jclip.index.VectorIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The ids by which a client names an indexed item (for its thumbnail) without sending a path: the
 * first 16 bytes of the SHA-256 of the item's path, in hex. Only a path the index holds has an id
 * that resolves, so a client cannot make the server read any other file.
 */
final class ItemIds {
    private final VectorIndex index;
    /** Id to path, read from the index on the first lookup and again when its size changed. */
    private Map<String, String> paths;

    ItemIds(VectorIndex index) {
        this.index = index;
    }

    /** The id of {@code path}. */
    static String of(String path) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The indexed path whose id is {@code id}, or null when the index holds none. */
    String path(String id) throws IOException {
        synchronized (index) {
            if (paths == null || paths.size() != index.size()) {
                Map<String, String> all = new HashMap<>();
                for (IndexEntry e : index.entries()) {
                    all.put(of(e.path()), e.path());
                }
                paths = all;
            }
            return paths.get(id);
        }
    }
}
