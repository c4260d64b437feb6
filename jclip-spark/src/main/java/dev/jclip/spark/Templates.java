package dev.jclip.spark;

import dev.jclip.data.Utf8Reader;
import dev.jclip.io.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Prompt templates from a file (any Hadoop file system), read as {@code jclip eval zeroshot
 * --templates FILE} reads them: the non-blank lines (stripped), or, when the file is a JSON object,
 * its {@code "templates"} array of strings.
 */
final class Templates {
    /** CLIP's prompt JSON is an object with string keys; a plain line such as "{} on black" is a template. */
    private static final Pattern JSON_OBJECT = Pattern.compile("\\s*\\{\\s*\"");

    private Templates() {}

    static List<String> read(String file, Configuration conf) throws IOException {
        Path path = new Path(file);
        StringWriter text = new StringWriter();
        try (Utf8Reader in = new Utf8Reader(path.getFileSystem(conf).open(path), file)) {
            in.transferTo(text);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(file + " does not exist", e);
        }
        String content = text.toString();
        List<String> out = new ArrayList<>();
        if (JSON_OBJECT.matcher(content).lookingAt()) {
            Map<String, Object> root;
            try {
                root = Json.parseObject(content);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            if (!(root.get("templates") instanceof List<?> array)) {
                throw new IllegalArgumentException(file + " is a JSON object without a \"templates\" array");
            }
            for (Object t : array) {
                if (!(t instanceof String s)) {
                    throw new IllegalArgumentException(file + ": \"templates\" must hold strings, found " + Json.kind(t));
                }
                out.add(s);
            }
        } else {
            content.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no templates");
        }
        return out;
    }
}
