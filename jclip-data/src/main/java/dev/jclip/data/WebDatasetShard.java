package dev.jclip.data;

import dev.jclip.image.ImageExtensions;
import dev.jclip.io.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The samples of one WebDataset tar shard, read from a stream (a local file, or any other file
 * system's): consecutive files sharing a key (the path, less a leading {@code ./}, up to the first
 * dot of the file name: {@code 00/abc.jpg} and {@code 00/abc.txt} form sample {@code 00/abc}) make
 * one {@link Sample}, its parts keyed by the lower-cased extension. A truncated or corrupt shard is
 * reported once to the error handler and ends the samples, keeping the complete ones read before
 * the damage. {@link WebDatasetSource} turns samples into examples.
 */
public final class WebDatasetShard extends LookaheadIterator<WebDatasetShard.Sample> implements Closeable {
    private final String name;
    private final Consumer<DataError> errors;
    private TarReader reader;
    private String key;
    private Map<String, byte[]> parts = new HashMap<>();

    /**
     * The files of one sample: extension (after the first dot, lower case) to bytes.
     *
     * @param key   the sample's key within the shard
     * @param parts its files by extension
     */
    public record Sample(String key, Map<String, byte[]> parts) {
        /** The extension of its image: the first of {@link ImageExtensions#ALL} it has, or null. */
        public String imageExtension() {
            for (String ext : ImageExtensions.ALL) {
                if (parts.containsKey(ext)) {
                    return ext;
                }
            }
            return null;
        }

        /**
         * Its caption: {@code txt}, else the {@code caption} (or {@code text}) field of {@code json},
         * stripped; null when it has neither file. Throws {@link IllegalArgumentException} when the
         * json is malformed or holds no such string field.
         */
        public String caption() {
            byte[] txt = parts.get("txt");
            if (txt != null) {
                return new String(txt, StandardCharsets.UTF_8).strip();
            }
            byte[] json = parts.get("json");
            if (json == null) {
                return null;
            }
            Map<String, Object> obj;
            try {
                obj = Json.parseObject(new String(json, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad json: " + e.getMessage(), e);
            }
            Object c = obj.containsKey("caption") ? obj.get("caption") : obj.get("text");
            if (c instanceof String s) {
                return s.strip();
            }
            throw new IllegalArgumentException("json has no string 'caption' or 'text' field");
        }
    }

    /** Reads {@code in} (buffered, and gunzipped if need be, by the caller); {@code name} names the shard in errors. */
    public WebDatasetShard(InputStream in, String name, Consumer<DataError> errors) {
        this.reader = new TarReader(in, name);
        this.name = name;
        this.errors = errors;
    }

    /** The shard's name, as errors give it. */
    public String name() {
        return name;
    }

    @Override
    protected Sample computeNext() {
        while (reader != null) {
            TarReader.Entry entry;
            try {
                entry = reader.next();
            } catch (TarReader.Damage d) {
                // Keep the sample being collected only if the damage is in another sample's file:
                // otherwise it may lack parts.
                Sample last = d.entryName() != null && !Objects.equals(keyOf(d.entryName()), key) ? take() : null;
                skipRest(d.detail());
                return last;
            } catch (IOException e) {
                skipRest(e.toString());
                return null;
            }
            if (entry == null) {
                Sample last = take();
                closeQuietly();
                return last;
            }
            String k = keyOf(entry.name());
            if (k == null) {
                continue;
            }
            Sample done = k.equals(key) ? null : take();
            key = k;
            String n = entry.name();
            parts.put(n.substring(n.indexOf('.', n.lastIndexOf('/') + 1) + 1).toLowerCase(Locale.ROOT), entry.data());
            if (done != null) {
                return done;
            }
        }
        return null;
    }

    /** The sample collected so far, or null if none. */
    private Sample take() {
        Sample s = key == null ? null : new Sample(key, parts);
        key = null;
        parts = new HashMap<>();
        return s;
    }

    private void skipRest(String why) {
        key = null;
        parts = new HashMap<>();
        errors.accept(new DataError(name, why + "; the rest of this shard is skipped"));
        closeQuietly();
    }

    /** The sample key of a file: its path (less a leading "./") up to the first dot of the file name; null without a dot. */
    private static String keyOf(String name) {
        int dot = name.indexOf('.', name.lastIndexOf('/') + 1);
        return dot < 0 ? null : name.substring(name.startsWith("./") ? 2 : 0, dot);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            errors.accept(new DataError(name, "cannot close: " + e.getMessage()));
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            try {
                reader.close();
            } finally {
                reader = null;
            }
        }
    }
}
